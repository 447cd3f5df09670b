"""API key store on both backends: hashed secrets, revocation, usage and atomic quotas."""
from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from service import errors
from service.storage.keys import MIGRATIONS, KeyStore, validate_rate

PRE_SQLALCHEMY_STORE = Path(__file__).resolve().parents[2] / "data" / "stores" / "pre_sqlalchemy.sqlite3"


@pytest.fixture
def store(store_url):
    keys = KeyStore(store_url)
    yield keys
    keys.close()


def test_created_key_verifies_and_only_its_digest_is_stored(store):
    key, secret = store.create("newsroom", rate_limit="60/minute", char_quota=1000)
    assert secret.startswith(key.id + ".")
    assert store.verify(secret) == key
    from sqlalchemy import text

    with store._ready_engine().connect() as conn:
        dump = "\n".join(str(tuple(row)) for row in conn.execute(text("SELECT * FROM api_keys")))
    assert secret not in dump
    assert secret.split(".", 1)[1] not in dump


@pytest.mark.parametrize("bad", ["", "bk_00000000.nope", "garbage", "bk_.x"])
def test_unknown_secret_is_an_auth_error(store, bad):
    store.create("a")
    with pytest.raises(errors.AuthError):
        store.verify(bad)


def test_right_id_with_wrong_secret_is_an_auth_error(store):
    key, _secret = store.create("a")
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


def test_schema_version_lives_in_its_own_table_not_user_version(tmp_path):
    store = KeyStore(tmp_path / "k.sqlite3")
    store.list()
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
        assert conn.execute("SELECT version FROM api_key_schema ORDER BY version").fetchall() == [(1,), (2,)]


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
    with pytest.raises(ValueError, match="char quota must not be negative"):
        store.create("a", char_quota=-1)


def test_a_store_file_made_before_sqlalchemy_keeps_its_keys_and_usage(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copy(PRE_SQLALCHEMY_STORE, path)
    store = KeyStore(path)
    (key,) = store.list()
    assert (key.id, key.name, key.rate_limit, key.char_quota) == ("bk_d1ef1b56", "legacy", "10/minute", 5000)
    assert store.verify("bk_d1ef1b56.hCwGqbKl3Pz-z3cl1WNXE9otyWJAadCB") == key
    assert store.usage(key.id, "2026-11-30").characters == 1234
    store.close()


def test_concurrent_charges_from_several_stores_never_pass_the_quota(store_url):
    stores = [KeyStore(store_url) for _ in range(3)]  # as three workers (or hosts) would have
    key, _ = stores[0].create("shared", char_quota=1000)
    accepted: list[int] = []
    refused: list[int] = []

    def charge(worker: int) -> None:
        for _ in range(10):
            try:
                stores[worker % 3].record(key.id, characters=70, quota=1000)
                accepted.append(70)
            except errors.QuotaExceededError:
                refused.append(70)

    threads = [threading.Thread(target=charge, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(accepted) == 1000 // 70
    assert len(refused) == 60 - 1000 // 70
    assert stores[0].usage(key.id).characters == sum(accepted)
    for s in stores:
        s.close()


def test_a_key_made_before_teams_and_roles_keeps_working_as_an_editor_of_its_own_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copy(PRE_SQLALCHEMY_STORE, path)
    store = KeyStore(path)
    key = store.verify("bk_d1ef1b56.hCwGqbKl3Pz-z3cl1WNXE9otyWJAadCB")
    assert (key.team, key.role) == (None, "editor")
    store.close()


def test_keys_at_schema_1_gain_team_and_role_on_open(tmp_path):
    from service.storage.db import make_engine, run_migrations

    path = tmp_path / "v1.sqlite3"
    engine = make_engine(path)
    run_migrations(engine, "api_key_schema", MIGRATIONS[:1], newest_known=1)
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO api_keys (id, digest, name, rate_limit, char_quota, created_at) "
                     "VALUES ('bk_0000aaaa', 'x', 'old', '', NULL, '2026-01-01T00:00:00+00:00')")
    store = KeyStore(path)
    (key,) = store.list()
    assert (key.id, key.name, key.team, key.role) == ("bk_0000aaaa", "old", None, "editor")
    store.close()


@pytest.mark.parametrize(("team", "role"), [("news", "reader"), (None, "admin"), ("desk-2", "editor")])
def test_team_and_role_are_stored_and_verified(store, team, role):
    key, secret = store.create("k", team=team, role=role)
    assert (key.team, key.role) == (team, role)
    assert store.verify(secret) == key
    assert store.list() == [key]


@pytest.mark.parametrize(("field", "value", "message"),
                         [("team", "a b", "bad team name"), ("team", "", "bad team name"),
                          ("role", "owner", "unknown role")])
def test_bad_team_or_role_is_refused(store, field, value, message):
    with pytest.raises(ValueError, match=message):
        store.create("k", **{field: value})
    assert store.list() == []
