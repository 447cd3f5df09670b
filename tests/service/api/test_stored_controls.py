"""Bidi controls and NUL/control characters never reach the store, so they never come back: reviewer edits,
memory imports and glossary entries lose them with a ``controls-removed`` warning (docs/RELIABILITY.md)."""
from __future__ import annotations

import re

import pytest

from service.brief import AlignedSegment, Brief, BriefMeta
from service.exports import export_brief
from tests.service.api.helpers import ARTICLE

RLO, LRI, NUL, ESC, PDI = "\u202e", "\u2066", "\x00", "\x1b", "\u2069"
DIRTY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _clean(value: object) -> bool:
    return DIRTY.search(str(value)) is None


def test_a_reviewer_edit_loses_its_controls_and_they_never_come_back_through_any_door(client):
    body = {"text": ARTICLE, "sentences": 2, "target_langs": ["ja"]}
    stored = client.post("/v1/briefs", json={**body, "store": True}).get_json()
    dirty = f"{RLO}会談{LRI}した{PDI}。{NUL}{ESC}[31m"
    edited = client.patch(f"/v1/briefs/{stored['id']}/segments/s1", json={"lang": "ja", "text": dirty})
    assert edited.status_code == 200, edited.data
    answer = edited.get_json()
    assert answer["segments"][0]["translations"]["ja"] == "会談した。[31m"
    [warning] = [w for w in answer["meta"]["warnings"] if w["code"] == "controls-removed"]
    assert (warning["segment"], warning["lang"]) == ("s1", "ja")
    assert "3 bidirectional" in warning["message"]
    assert "2 NUL/control" in warning["message"]
    assert _clean(answer["history"]), answer["history"]
    assert _clean(client.get(f"/v1/briefs/{stored['id']}").data)
    assert _clean(client.get(f"/v1/briefs/{stored['id']}?format=xliff").data)
    again = client.post("/v1/briefs", json=body).get_json()
    assert again["segments"][0]["provenance"]["ja"] == "tm-exact"
    assert again["segments"][0]["translations"]["ja"] == "会談した。[31m"
    sentence = again["segments"][0]["en"]
    deepl = client.post("/v2/translate", json={"text": [sentence], "source_lang": "EN", "target_lang": "JA"})
    assert deepl.get_json()["translations"][0]["text"] == "会談した。[31m"
    assert _clean(client.get("/v1/memories/edits").data)


def _memory_file(target: str) -> bytes:
    brief = Brief(segments=[AlignedSegment("s1", 0, f"Rain fell{RLO} on the harbor.", {"ja": target},
                                           {"ja": "edited"})],
                  entities=[], meta=BriefMeta(target_langs=["ja"]))
    return export_brief(brief, "tmx")[0][1]


def test_a_memory_import_loses_its_controls_with_a_warning(client):
    response = client.post("/v1/memories/desk", data=_memory_file(f"港に{LRI}雨が降った。{PDI}"),
                           content_type="application/x-tmx+xml")
    assert response.status_code == 201, response.data
    [warning] = response.get_json()["warnings"]
    assert warning["code"] == "controls-removed"
    assert "3 bidirectional" in warning["message"]
    tmx = client.get("/v1/memories/desk").data.decode()
    assert _clean(tmx)
    assert "港に雨が降った。" in tmx
    brief = client.post("/v1/translate", json={"segments": ["Rain fell on the harbor."],
                                               "target_langs": ["ja"]}).get_json()
    assert brief["segments"][0]["provenance"]["ja"] == "tm-exact"


C1 = "\x9b"  # a C1 control: invisible, allowed by the JSON schema, removed


@pytest.mark.parametrize("how", ["json", "tsv", "entries"])
def test_glossary_entries_lose_their_controls_with_a_warning(client, how):
    # A file loses C0 controls too; a JSON entry with one is refused (422), as /openapi.json says.
    nul, esc = (NUL, ESC) if how == "tsv" else (C1, C1)
    source, rendering = f"Harbor{RLO} Authority{nul}", f"港湾{esc}局{LRI}"
    if how == "json":
        response = client.post("/v1/glossaries", json={"name": "desk", "entries": [
            {"source": source, "renderings": {"ja": rendering}, "aliases": [f"HA{PDI}"]}]})
    elif how == "tsv":
        response = client.post("/v1/glossaries?name=desk&target_lang=ja", data=f"{source}\t{rendering}\n".encode(),
                               content_type="text/tab-separated-values")
    else:
        assert client.post("/v1/glossaries", json={"name": "desk", "entries": []}).status_code == 201
        response = client.post("/v1/glossaries/desk/entries", json={"entries": [
            {"source": source, "renderings": {"ja": rendering}}]})
    assert response.status_code in (200, 201), response.data
    [warning] = response.get_json()["warnings"]
    assert warning["code"] == "controls-removed"
    stored = client.get("/v1/glossaries/desk").get_json()
    assert "warnings" not in stored
    assert [(e["source"], e["renderings"]["ja"]) for e in stored["entries"]] == [("Harbor Authority", "港湾局")]
    assert _clean(client.get("/v1/glossaries/desk", headers={"Accept": "text/tab-separated-values"}).data)


def test_a_short_rendering_loses_its_controls_too(client):
    response = client.post("/v1/glossaries", json={"name": "desk", "entries": [
        {"source": "Kenji Aoyama", "type": "person", "renderings": {"ja": "青山健二"},
         "short_renderings": {"ja": f"青{RLO}山{C1}"}}]})
    assert response.status_code == 201, response.data
    assert response.get_json()["warnings"][0]["code"] == "controls-removed"
    [entry] = client.get("/v1/glossaries/desk").get_json()["entries"]
    assert entry["short_renderings"] == {"ja": "青山"}


def test_an_entry_of_nothing_but_controls_is_refused(client):
    response = client.post("/v1/glossaries", json={"name": "desk", "entries": [
        {"source": f"{RLO}{NUL}", "renderings": {"ja": "港"}}]})
    assert response.status_code == 422, response.data


def test_a_json_entry_with_a_c0_control_is_refused_as_the_schema_says(client):
    response = client.post("/v1/glossaries", json={"name": "desk", "entries": [
        {"source": "Harbor", "renderings": {"ja": f"港{ESC}"}}]})
    assert response.status_code == 422, response.data
