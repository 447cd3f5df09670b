"""If-Match on glossary edits: an edit made against a version someone else moved on from is 409 and
changes nothing; against the current version (or without If-Match) it applies."""
from __future__ import annotations

import pytest

from tests.service.api.helpers import assert_problem

ENTRY = {"source": "Port Alder", "type": "place", "renderings": {"ja": "ポート・アルダー"}}
OTHER = {"source": "Alder Bay", "type": "place", "renderings": {"ja": "アルダー湾"}}

EDITS = {
    "add": ("post", "/v1/glossaries/desk/entries", {"entries": [OTHER]}),
    "remove": ("delete", "/v1/glossaries/desk/entries", {"sources": ["Port Alder"]}),
    "replace": ("put", "/v1/glossaries/desk", {"entries": [OTHER]}),
    "delete": ("delete", "/v1/glossaries/desk", None),
}


@pytest.fixture
def desk(client):
    assert client.post("/v1/glossaries", json={"name": "desk", "entries": [ENTRY]}).status_code == 201
    return client.get("/v1/glossaries/desk").get_json()["version"]


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_an_edit_against_a_stale_version_is_409_and_changes_nothing(client, desk, edit):
    client.post("/v1/glossaries/desk/entries", json={"entries": [{**ENTRY, "notes": "someone else"}]})
    before = client.get("/v1/glossaries/desk").get_json()
    method, path, body = EDITS[edit]
    response = getattr(client, method)(path, json=body, headers={"If-Match": f'"{desk}"'})
    problem = assert_problem(response, 409, "conflict")
    assert f"version {desk + 1}, not {desk}" in problem["detail"]
    assert client.get("/v1/glossaries/desk").get_json() == before
    current = {"If-Match": f'W/"{before["version"]}"'}
    assert getattr(client, method)(path, json=body, headers=current).status_code in (200, 204)


@pytest.mark.parametrize("header", ['7', '"seven"', '"1", "2"', "W/7"])
def test_a_malformed_if_match_is_refused(client, desk, header):
    response = client.post("/v1/glossaries/desk/entries", json={"entries": [OTHER]}, headers={"If-Match": header})
    assert_problem(response, 422, "bad-input")
    assert client.get("/v1/glossaries/desk").get_json()["version"] == desk


def test_without_if_match_or_with_a_star_edits_apply(client, desk):
    assert client.post("/v1/glossaries/desk/entries", json={"entries": [OTHER]}).status_code == 200
    response = client.post("/v1/glossaries/desk/entries", json={"entries": [ENTRY]}, headers={"If-Match": "*"})
    assert response.status_code == 200
    assert response.get_json()["version"] == desk + 2
