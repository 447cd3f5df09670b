"""API keys (401/403), per-key rate limits (429 + Retry-After), character quotas and usage."""
from __future__ import annotations

import pytest

from service.storage.keys import KeyStore
from tests.service.api.helpers import ARTICLE, assert_problem

BODY = {"segments": ["One sentence."], "target_langs": ["ja"]}


@pytest.fixture
def keyed(make_app):
    """An app that requires keys, and a helper to mint them in its store."""
    app = make_app(http={"api_keys_required": True, "rate_limit": "100/minute"})
    store = KeyStore(app.extensions["briefs"].settings.store_path)
    return app.test_client(), store


def test_no_key_when_required_is_401(keyed):
    client, _ = keyed
    response = client.post("/v1/translate", json=BODY)
    assert_problem(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_key_is_401(keyed):
    client, _ = keyed
    assert_problem(client.post("/v1/translate", json=BODY, headers={"Authorization": "Bearer bk_x.y"}), 401)


def test_revoked_key_is_403(keyed):
    client, store = keyed
    key, secret = store.create("gone")
    store.revoke(key.id)
    assert_problem(client.post("/v1/translate", json=BODY, headers={"Authorization": f"Bearer {secret}"}),
                   403, "forbidden")


@pytest.mark.parametrize("how", ["bearer", "deepl", "json", "form"])
def test_key_is_accepted_in_every_supported_place(keyed, how):
    client, store = keyed
    _, secret = store.create("ok")
    if how == "bearer":
        response = client.post("/v1/translate", json=BODY, headers={"Authorization": f"Bearer {secret}"})
    elif how == "deepl":
        response = client.post("/v1/translate", json=BODY, headers={"Authorization": f"DeepL-Auth-Key {secret}"})
    elif how == "json":
        response = client.post("/v1/translate", json={**BODY, "api_key": secret})
    else:
        response = client.get("/v1/usage", data={"api_key": secret})
    assert response.status_code == 200, response.data


def test_health_metrics_and_docs_need_no_key(keyed):
    client, _ = keyed
    for path in ("/healthz", "/metrics", "/openapi.json"):
        assert client.get(path).status_code == 200


def test_over_the_key_rate_is_429_with_retry_after(keyed):
    client, store = keyed
    _, secret = store.create("slow", rate_limit="2/minute")
    headers = {"Authorization": f"Bearer {secret}"}
    assert [client.get("/v1/languages", headers=headers).status_code for _ in range(2)] == [200, 200]
    response = client.get("/v1/languages", headers=headers)
    assert_problem(response, 429, "rate-limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_rate_limits_are_per_key(keyed):
    client, store = keyed
    _, slow = store.create("slow", rate_limit="1/minute")
    _, other = store.create("other", rate_limit="1/minute")
    assert client.get("/v1/languages", headers={"Authorization": f"Bearer {slow}"}).status_code == 200
    assert client.get("/v1/languages", headers={"Authorization": f"Bearer {slow}"}).status_code == 429
    assert client.get("/v1/languages", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_character_quota_is_429_once_exceeded_and_usage_reports_it(keyed, monkeypatch):
    monkeypatch.setattr("service.storage.keys._seconds_to_midnight", lambda: 5000)
    client, store = keyed
    _, secret = store.create("quota", char_quota=len(ARTICLE) + 10)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.post("/v1/briefs", json={"text": ARTICLE}, headers=headers).status_code == 200
    response = client.post("/v1/briefs", json={"text": ARTICLE}, headers=headers)
    assert_problem(response, 429, "quota-exceeded")
    # The quota's own wait (until midnight UTC), not the rate limiter's one-minute window.
    assert response.headers["Retry-After"] == "5000"
    usage = client.get("/v1/usage", headers=headers).get_json()
    assert usage["characters"] == len(ARTICLE)
    assert usage["requests"] == 2  # the brief and this call: the refused request is not counted
    assert usage["char_quota"] == len(ARTICLE) + 10


def test_keys_are_optional_by_default_but_checked_when_sent(make_app):
    client = make_app().test_client()
    assert client.post("/v1/translate", json=BODY).status_code == 200
    assert_problem(client.post("/v1/translate", json=BODY, headers={"Authorization": "Bearer nope"}), 401)


def test_usage_without_a_key_is_401(make_app):
    assert_problem(make_app().test_client().get("/v1/usage"), 401)
