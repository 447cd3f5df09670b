"""The shipped default glossary is shared and read-only: only an admin key changes it, nobody deletes it."""
from __future__ import annotations

import pytest

from service.keys import KeyStore
from tests.service.api.helpers import assert_problem

ENTRY = {"source": "Harbor Bridge", "renderings": {"ja": "ハーバー橋"}}
# Every way to change the default glossary, by name and by a different case.
CHANGES = {
    "replace-empty": ("PUT", "/v1/glossaries/default", {"entries": []}),
    "replace-case": ("PUT", "/v1/glossaries/DEFAULT", {"entries": [ENTRY]}),
    "create-replace": ("POST", "/v1/glossaries", {"name": "default", "entries": [], "replace": True}),
    "add-entries": ("POST", "/v1/glossaries/default/entries", {"entries": [ENTRY]}),
    "delete-entries": ("DELETE", "/v1/glossaries/default/entries", {"sources": ["Tokyo"]}),
}


@pytest.fixture
def keyed(make_app):
    """Keys on; an admin key (listed in http.admin_keys) and an editor's key."""
    app = make_app(http={"api_keys_required": True})
    store = KeyStore(app.extensions["briefs"].settings.store_path)
    admin, admin_secret = store.create("admin")
    _, editor_secret = store.create("editor")
    settings = app.extensions["briefs"].settings
    http = settings.http.__class__(**{**settings.http.__dict__, "admin_keys": (admin.id,)})
    app.extensions["briefs"].settings = settings.replace(http=http)
    return app.test_client(), {"Authorization": f"Bearer {admin_secret}"}, {"Authorization": f"Bearer {editor_secret}"}


def entry_count(client, headers) -> int:
    return client.get("/v1/glossaries/default", headers=headers).get_json()["entry_count"]


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_a_key_that_is_not_admin_cannot_change_the_default_glossary(keyed, name):
    client, _, editor = keyed
    before = entry_count(client, editor)
    method, path, body = CHANGES[name]
    assert_problem(client.open(path, method=method, json=body, headers=editor), 403, "forbidden")
    assert entry_count(client, editor) == before


def test_every_key_reads_the_default_glossary(keyed):
    client, _, editor = keyed
    assert client.get("/v1/glossaries/default", headers=editor).status_code == 200


def test_an_admin_key_can_change_it(keyed):
    client, admin, editor = keyed
    response = client.post("/v1/glossaries/default/entries", json={"entries": [ENTRY]}, headers=admin)
    assert response.status_code == 200, response.data
    sources = [e["source"] for e in client.get("/v1/glossaries/default", headers=editor).get_json()["entries"]]
    assert "Harbor Bridge" in sources


@pytest.mark.parametrize("who", ["admin", "editor"])
def test_nobody_deletes_the_default_glossary(keyed, who):
    client, admin, editor = keyed
    body = assert_problem(client.delete("/v1/glossaries/default", headers=admin if who == "admin" else editor),
                          403, "forbidden")
    assert "reset-default" in body["detail"]


def test_the_default_glossary_is_protected_by_id_too(keyed):
    client, _, editor = keyed
    glossary_id = client.get("/v1/glossaries/default", headers=editor).get_json()["id"]
    assert_problem(client.put(f"/v1/glossaries/{glossary_id}", json={"entries": []}, headers=editor), 403)


def test_single_user_mode_changes_the_default_glossary_as_before(client):
    assert client.post("/v1/glossaries/default/entries", json={"entries": [ENTRY]}).status_code == 200
    assert_problem(client.delete("/v1/glossaries/default"), 403, "forbidden")
