"""Rate limits that hold: one budget per key across every endpoint, shared through Redis by workers
and hosts, Retry-After only when a request is refused, a clear error when Redis is unreachable."""
from __future__ import annotations

import pytest

from service.errors import StoreUnavailableError
from service.storage.keys import KeyStore
from tests.servers import free_port, start_redis
from tests.service.api.helpers import assert_problem

GUARDED_GETS = ["/v1/languages", "/v1/glossaries", "/v1/models", "/v1/usage"]


def _keyed_app(make_app, **http):
    app = make_app(http={"api_keys_required": True, "rate_limit": "100/minute", **http})
    return app, KeyStore(app.extensions["briefs"].settings.database_url)


def test_one_budget_per_key_across_all_endpoints(make_app):
    app, store = _keyed_app(make_app)
    _, secret = store.create("desk", rate_limit="4/minute")
    client, headers = app.test_client(), {"Authorization": f"Bearer {secret}"}
    statuses = [client.get(path, headers=headers).status_code for path in GUARDED_GETS]
    assert statuses == [200, 200, 200, 200]
    assert_problem(client.get(GUARDED_GETS[0], headers=headers), 429, "rate-limited")
    assert client.get(GUARDED_GETS[2], headers=headers).status_code == 429


def test_retry_after_only_on_the_refused_request(make_app):
    app, store = _keyed_app(make_app)
    _, secret = store.create("desk", rate_limit="1/minute")
    client, headers = app.test_client(), {"Authorization": f"Bearer {secret}"}
    allowed = client.get("/v1/languages", headers=headers)
    assert allowed.status_code == 200
    assert "Retry-After" not in allowed.headers
    assert "X-RateLimit-Remaining" in allowed.headers
    refused = client.get("/v1/languages", headers=headers)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_open_routes_are_not_counted(make_app):
    app, store = _keyed_app(make_app)
    _, secret = store.create("desk", rate_limit="1/minute")
    client, headers = app.test_client(), {"Authorization": f"Bearer {secret}"}
    assert [client.get("/healthz", headers=headers).status_code for _ in range(3)] == [200] * 3
    assert client.get("/v1/languages", headers=headers).status_code == 200


def test_redis_storage_is_one_budget_for_several_workers(make_app, redis_server):
    redis_server.flush()
    apps = [_keyed_app(make_app, rate_limit_storage=redis_server.url)[0] for _ in range(2)]  # two workers
    store = KeyStore(apps[0].extensions["briefs"].settings.database_url)
    _, secret = store.create("shared", rate_limit="5/minute")
    headers = {"Authorization": f"Bearer {secret}"}
    clients = [app.test_client() for app in apps]
    statuses = [clients[i % 2].get(GUARDED_GETS[i % 4], headers=headers).status_code for i in range(8)]
    assert statuses == [200] * 5 + [429] * 3


def test_unreachable_redis_is_a_clear_error_at_start(make_app):
    with pytest.raises(StoreUnavailableError, match=r"rate-limit store redis://127\.0\.0\.1"):
        make_app(http={"rate_limit_storage": f"redis://127.0.0.1:{free_port()}/0"})


def test_redis_going_away_gives_503_naming_the_store(make_app, tmp_path):
    own = start_redis(tmp_path)  # a Redis of this test's own, to stop under the app
    try:
        app, store = _keyed_app(make_app, rate_limit_storage=own.url)
        _, secret = store.create("desk", rate_limit="50/minute")
        client, headers = app.test_client(), {"Authorization": f"Bearer {secret}"}
        assert client.get("/v1/languages", headers=headers).status_code == 200
    finally:
        own.process.terminate()
        own.process.wait(timeout=10)
    response = client.get("/v1/languages", headers=headers)
    body = assert_problem(response, 503, "store-unavailable")
    assert "rate-limit store" in body["detail"]


def test_an_unreachable_database_is_a_clear_error_at_start(make_app):
    with pytest.raises(StoreUnavailableError, match=r"store postgresql://briefs@127.0.0.1:9/none \(store_url\)"):
        make_app(store_url="postgresql://briefs@127.0.0.1:9/none")


def test_readiness_names_an_unreachable_rate_limit_store(make_app, tmp_path):
    from service.api.access import rate_limit_storage_problem

    assert rate_limit_storage_problem(make_app()) is None  # memory storage: nothing to reach
    own = start_redis(tmp_path)
    try:
        app = make_app(http={"rate_limit_storage": own.url})
        assert rate_limit_storage_problem(app) is None
    finally:
        own.process.terminate()
        own.process.wait(timeout=10)
    assert "rate-limit store redis://127.0.0.1" in rate_limit_storage_problem(app)


@pytest.mark.parametrize(("url", "shown"), [
    ("redis://:s3cret@cache:6379/0", "redis://cache:6379/0"),
    ("postgresql://briefs:s3cret@db/briefs", "postgresql://briefs@db/briefs"),
    ("redis://cache:6379/0", "redis://cache:6379/0"),
])
def test_messages_never_show_a_password(url, shown):
    from service.api.access import _redacted

    assert _redacted(url) == shown


def test_readyz_is_503_naming_redis_when_the_shared_limits_store_is_down(make_app, tmp_path):
    own = start_redis(tmp_path)
    try:
        app = make_app(http={"rate_limit_storage": own.url})
        client = app.test_client()
        assert client.get("/readyz").status_code == 200
    finally:
        own.process.terminate()
        own.process.wait(timeout=10)
    body = assert_problem(client.get("/readyz"), 503, "not-ready")
    assert "rate-limit store redis://127.0.0.1" in body["detail"]
