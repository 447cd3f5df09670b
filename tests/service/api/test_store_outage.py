"""PostgreSQL going away under the API: 503 problem+json naming the store (never 500), then recovery
without restarting the app once the database is back."""
from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from service.storage.keys import KeyStore
from tests.servers import PostgresServer, running_postgres
from tests.service.api.helpers import ARTICLE, assert_problem


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A cluster of this test's own, to stop under the app."""
    with running_postgres() as server:
        yield server
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.mark.parametrize("keys_required", [False, True], ids=["keys-off", "keys-on"])
def test_requests_get_503_while_postgresql_is_down_and_recover_after(make_app, own_postgres, keys_required):
    url = own_postgres.new_database()
    app = make_app(store_url=url, http={"api_keys_required": keys_required, "rate_limit": "1000/minute"})
    _, secret = KeyStore(url).create("desk")
    client, headers = app.test_client(), {"Authorization": f"Bearer {secret}"}
    calls = [("get", "/v1/glossaries", None), ("post", "/v1/briefs", {"text": ARTICLE, "sentences": 1}),
             ("post", "/v1/glossaries", {"name": "late", "entries": []})]

    def send(method: str, path: str, body: dict | None):
        return getattr(client, method)(path, json=body, headers=headers)

    assert send(*calls[0]).status_code == 200
    own_postgres.stop("fast")
    for call in calls:
        problem = assert_problem(send(*call), 503, "store-unavailable")
        assert "store" in problem["detail"]
    own_postgres.start()
    assert send(*calls[0]).status_code == 200
    assert send(*calls[1]).status_code == 200
    assert send(*calls[2]).status_code == 201


def test_postgresql_turned_read_only_refuses_writes_then_heals_without_a_restart(make_app, own_postgres):
    """A failover to a read-only server and back: pooled sessions that began read-only are dropped, so writes
    work again as soon as the database is writable, not after a restart."""
    url = own_postgres.new_database()
    database = url.rsplit("/", 1)[1]
    client = make_app(store_url=url).test_client()
    entries = {"entries": [{"source": "Pier 1", "renderings": {"ja": "桟橋1"}}]}
    assert client.post("/v1/glossaries", json={"name": "desk", **entries}).status_code == 201
    own_postgres._admin(f'ALTER DATABASE "{database}" SET default_transaction_read_only = on')
    own_postgres._admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' "
                        "AND pid <> pg_backend_pid()")  # the app reconnects: its new sessions are read-only
    for _ in range(3):
        problem = assert_problem(client.post("/v1/glossaries", json={"name": "late", **entries}), 503,
                                 "store-unavailable")
        assert "read-only" in problem["detail"]
    assert client.get("/v1/glossaries/desk").status_code == 200  # reads work
    own_postgres._admin(f'ALTER DATABASE "{database}" SET default_transaction_read_only = off')
    statuses = [client.post("/v1/glossaries", json={"name": "late", **entries}).status_code for _ in range(2)]
    assert 201 in statuses, statuses
