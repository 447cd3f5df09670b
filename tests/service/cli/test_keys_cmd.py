"""``python -m service keys``: create prints the secret once, list shows usage, revoke revokes."""
from __future__ import annotations

import json

import pytest

from service.storage.keys import KeyStore
from tests.helpers import make_settings


def test_create_list_revoke(run_cli, tmp_path):
    code, out, err = run_cli("keys", "create", "--name", "desk", "--rate", "10/minute", "--char-quota", "500")
    assert code == 0
    secret = out.strip()
    store = KeyStore(make_settings(tmp_path).store_path)
    key = store.verify(secret)
    assert (key.name, key.rate_limit, key.char_quota) == ("desk", "10/minute", 500)
    assert key.id in err

    code, out, _ = run_cli("keys", "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [key.id]
    assert secret not in out

    code, out, _ = run_cli("keys", "revoke", key.id)
    assert code == 0
    assert "revoked" in out
    assert json.loads(run_cli("keys", "list", "--json")[1])[0]["revoked_at"]


def test_list_table_when_empty(run_cli):
    code, out, _ = run_cli("keys", "list")
    assert code == 0
    assert "no API keys" in out


def test_revoke_unknown_key_fails_with_a_message(run_cli):
    code, _, err = run_cli("keys", "revoke", "bk_nothere")
    assert code == 2
    assert "no API key" in err


@pytest.mark.parametrize("args", [["--rate", "quickly"], ["--char-quota", "-5"], ["--char-quota", "x"]])
def test_bad_create_options_are_usage_errors(run_cli, args):
    with pytest.raises(SystemExit) as info:
        run_cli("keys", "create", *args)
    assert info.value.code == 2


def test_create_with_team_and_role_shows_them_in_list(run_cli, tmp_path):
    code, out, err = run_cli("keys", "create", "--name", "desk", "--team", "news", "--role", "reader")
    assert code == 0
    assert "reader" in err
    assert "team news" in err
    key = KeyStore(make_settings(tmp_path).store_path).verify(out.strip())
    assert (key.team, key.role) == ("news", "reader")
    (row,) = json.loads(run_cli("keys", "list", "--json")[1])
    assert (row["team"], row["role"]) == ("news", "reader")
    table = run_cli("keys", "list")[1]
    assert "news" in table
    assert "reader" in table


def test_a_key_without_options_is_an_editor_of_its_own_data(run_cli):
    run_cli("keys", "create")
    (row,) = json.loads(run_cli("keys", "list", "--json")[1])
    assert (row["team"], row["role"]) == (None, "editor")


@pytest.mark.parametrize("args", [["--role", "owner"], ["--team", "two words"], ["--team", ""]])
def test_bad_team_or_role_is_a_usage_error(run_cli, args):
    with pytest.raises(SystemExit) as info:
        run_cli("keys", "create", *args)
    assert info.value.code == 2
