"""Tenancy of stored briefs (/v1/briefs/{id}, its edits and confirmations, its memory matches, the list
and its deletion): a key reads and
edits its own (its team's) briefs and the shared ones; another tenant's brief answers exactly as a
missing one (404) for every read, change and delete; a reader changes nothing and stores nothing
(403); shared briefs change only with an admin key. Nothing refused changes anything."""
from __future__ import annotations

import pytest

from tests.service.api.helpers import ARTICLE, TEAM_KEYS, assert_problem

BODY = {"text": ARTICLE, "sentences": 2, "target_langs": ["ja"]}
EDIT = {"lang": "ja", "text": "校閲済みの訳。"}
MISSING = "0" * 32


def store_brief(client, headers) -> str:
    response = client.post("/v1/briefs", json={**BODY, "store": True}, headers=headers)
    assert response.status_code == 200, response.data
    return response.get_json()["id"]


def version(app, bid: str) -> tuple[int, int]:
    """The stored brief's version and history length, read as the operator."""
    stored = app.extensions["briefs"].memories.briefs.get(bid)
    return stored.version, len(stored.history)


# Every way to reach a stored brief; each must look exactly like a missing one to another tenant.
ACCESS = {
    "get-json": ("GET", "/v1/briefs/{id}", None),
    "get-xliff": ("GET", "/v1/briefs/{id}?format=xliff", None),
    "matches": ("GET", "/v1/briefs/{id}/segments/s1/matches?lang=ja", None),
    "edit": ("PATCH", "/v1/briefs/{id}/segments/s1", EDIT),
    "confirm": ("PATCH", "/v1/briefs/{id}/segments/s1", {"lang": "ja", "confirmed": True}),
    "delete": ("DELETE", "/v1/briefs/{id}", None),
}


def test_a_stored_brief_belongs_to_its_team(team_keyed):
    app, client, h = team_keyed
    bid = store_brief(client, h["desk"])
    assert app.extensions["briefs"].memories.briefs.get(bid).owner == "team:desk"
    assert client.get(f"/v1/briefs/{bid}", headers=h["desk2"]).status_code == 200
    assert client.get(f"/v1/briefs/{bid}", headers=h["reader"]).status_code == 200
    edited = client.patch(f"/v1/briefs/{bid}/segments/s1", json=EDIT, headers=h["desk2"])
    assert edited.status_code == 200
    assert edited.get_json()["version"] == 2


@pytest.mark.parametrize("action", sorted(ACCESS))
@pytest.mark.parametrize("other", ["wire", "solo"])
def test_another_tenants_brief_is_404_exactly_as_a_missing_one_and_unchanged(team_keyed, action, other):
    app, client, h = team_keyed
    bid = store_brief(client, h["desk"])
    method, path, body = ACCESS[action]
    hidden = client.open(path.format(id=bid), method=method, json=body, headers=h[other])
    missing = client.open(path.format(id=MISSING), method=method, json=body, headers=h[other])
    assert_problem(hidden, 404, "brief-not-found")
    assert_problem(missing, 404, "brief-not-found")
    assert hidden.get_json()["detail"].replace(bid, "X") == missing.get_json()["detail"].replace(MISSING, "X")
    assert version(app, bid) == (1, 0)
    assert app.extensions["briefs"].memories.list_memories() == [], "a refused edit teaches no memory"


@pytest.mark.parametrize("action", ["edit", "confirm", "delete"])
def test_a_reader_changes_no_brief(team_keyed, action):
    app, client, h = team_keyed
    bid = store_brief(client, h["desk"])
    method, path, body = ACCESS[action]
    assert_problem(client.open(path.format(id=bid), method=method, json=body, headers=h["reader"]), 403,
                   "forbidden")
    assert version(app, bid) == (1, 0)


def test_a_reader_stores_no_brief(team_keyed):
    app, client, h = team_keyed
    assert_problem(client.post("/v1/briefs", json={**BODY, "store": True}, headers=h["reader"]), 403, "forbidden")
    assert app.extensions["briefs"].memories.briefs.list_briefs() == []
    assert client.post("/v1/briefs", json=BODY, headers=h["reader"]).status_code == 200, "it may still brief"


def test_the_list_holds_the_tenants_briefs_and_the_shared_ones(team_keyed):
    app, client, h = team_keyed
    mine = store_brief(client, h["desk"])
    theirs = store_brief(client, h["wire"])
    stored = app.extensions["briefs"].memories.briefs
    shared = stored.save(stored.get(mine).brief)
    for who, expected in (("desk2", {mine, shared}), ("reader", {mine, shared}), ("wire", {theirs, shared}),
                          ("solo", {shared})):
        body = client.get("/v1/briefs", headers=h[who]).get_json()
        assert {b["id"] for b in body["briefs"]} == expected, who
        assert body["total"] == len(expected)


@pytest.mark.parametrize("action", ["edit", "delete"])
@pytest.mark.parametrize(("who", "allowed"), [("desk", False), ("solo", False), ("admin", True)])
def test_a_shared_brief_is_read_by_every_key_and_changed_only_by_an_admin(team_keyed, action, who, allowed):
    app, client, h = team_keyed
    stored = app.extensions["briefs"].memories.briefs
    bid = stored.save(stored.get(store_brief(client, h["desk"])).brief)  # kept by the operator: shared
    assert all(client.get(f"/v1/briefs/{bid}", headers=h[k]).status_code == 200 for k in TEAM_KEYS)
    method, path, body = ACCESS[action]
    response = client.open(path.format(id=bid), method=method, json=body, headers=h[who])
    if not allowed:
        assert_problem(response, 403, "forbidden")
        assert version(app, bid) == (1, 0)
    else:
        assert response.status_code in (200, 204), response.data


def test_an_edit_teaches_the_editors_own_memory_and_a_delete_keeps_it(team_keyed):
    _app, client, h = team_keyed
    bid = store_brief(client, h["desk"])
    assert client.patch(f"/v1/briefs/{bid}/segments/s1", json=EDIT, headers=h["desk"]).status_code == 200
    listed = client.get("/v1/memories", headers=h["desk2"]).get_json()["memories"]
    assert [(m["name"], m["owner"], m["unit_count"]) for m in listed] == [("edits", "team:desk", 1)]
    assert client.get("/v1/memories", headers=h["wire"]).get_json()["memories"] == []
    assert client.delete(f"/v1/briefs/{bid}", headers=h["desk2"]).status_code == 204
    assert_problem(client.get(f"/v1/briefs/{bid}", headers=h["desk"]), 404, "brief-not-found")
    assert client.get("/v1/memories/edits", headers={**h["desk"], "Accept": "application/json"}
                      ).get_json()["unit_count"] == 1
