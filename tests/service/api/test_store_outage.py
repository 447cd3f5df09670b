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
