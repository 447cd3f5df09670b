"""API key store: hashed secrets, revocation, usage and quotas in the shared SQLite file."""
from __future__ import annotations

import sqlite3

import pytest

from service import errors
from service.keys import KeyStore, validate_rate


@pytest.fixture
def store(tmp_path):
    return KeyStore(tmp_path / "store.sqlite3")


def test_created_key_verifies_and_only_its_digest_is_stored(store):
    key, secret = store.create("newsroom", rate_limit="60/minute", char_quota=1000)
    assert secret.startswith(key.id + ".")
    assert store.verify(secret) == key
    with sqlite3.connect(store.path) as conn:
        dump = "\n".join(conn.iterdump())
    assert secret not in dump
    assert secret.split(".", 1)[1] not in dump


@pytest.mark.parametrize("bad", ["", "bk_00000000.nope", "garbage", "bk_.x"])
def test_unknown_secret_is_an_auth_error(store, bad):
    store.create("a")
    with pytest.raises(errors.AuthError):
        store.verify(bad)


def test_right_id_with_wrong_secret_is_an_auth_error(store):
    key, secret = store.create("a")
    with pytest.raises(errors.AuthError):
        store.verify(key.id + ".wrong")


def test_revoked_key_is_forbidden(store):
    key, secret = store.create("a")
    revoked = store.revoke(key.id)
    assert revoked.revoked
    with pytest.raises(errors.ForbiddenError):
        store.verify(secret)


def test_revoking_an_unknown_key_is_not_found(store):
    with pytest.raises(errors.NotFoundError):
        store.revoke("bk_missing")


def test_usage_accumulates_per_day(store):
    key, _ = store.create("a")
    store.record(key.id, characters=10)
    store.record(key.id, characters=5)
    usage = store.usage(key.id)
    assert (usage.requests, usage.characters) == (2, 15)


def test_quota_refuses_the_request_that_would_pass_it_and_records_nothing(store):
    key, _ = store.create("a")
    store.record(key.id, characters=90, quota=100)
    with pytest.raises(errors.QuotaExceededError) as info:
        store.record(key.id, characters=11, quota=100)
    assert info.value.extra["retry_after"] >= 1
    assert store.usage(key.id).characters == 90


def test_schema_version_lives_in_its_own_table_not_user_version(store):
    store.list()
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
        assert conn.execute("SELECT version FROM api_key_schema").fetchall() == [(1,)]


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.sqlite3"
    KeyStore(path).list()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE api_key_schema SET version = 99")
    with pytest.raises(RuntimeError, match="newer"):
        KeyStore(path).list()


@pytest.mark.parametrize("rate", ["60/minute", "1000 per day", "5/second", "10/hour"])
def test_good_rates_are_accepted(rate):
    assert validate_rate(rate) == rate


@pytest.mark.parametrize("rate", ["fast", "60", "/minute", "60/fortnight"])
def test_bad_rates_are_rejected(rate):
    with pytest.raises(ValueError, match="bad rate limit"):
        validate_rate(rate)


def test_negative_quota_is_rejected(store):
    with pytest.raises(ValueError):
        store.create("a", char_quota=-1)
