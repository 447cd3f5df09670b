"""The desk's round trip over HTTP: an edited XLIFF or a reviewer's edit is reused by the next brief."""
from __future__ import annotations

from lxml import etree

from tests.service.api.helpers import ARTICLE
from tests.service.memory.helpers import edit_target


def test_http_edited_xliff_makes_the_next_brief_tm_exact(client):
    body = {"text": ARTICLE, "sentences": 2, "target_langs": ["ja"]}
    root = etree.fromstring(client.post("/v1/briefs?format=xliff", json=body).data)
    edit_target(root, "s2", "貿易と安全保障を話し合った。")
    response = client.post("/v1/memories/desk", data=etree.tostring(root), content_type="application/xliff+xml")
    assert response.status_code == 201 and response.get_json()["unit_count"] == 1
    brief = client.post("/v1/briefs", json=body).get_json()
    assert [s["provenance"]["ja"] for s in brief["segments"]] == ["model", "tm-exact"]
    assert brief["segments"][1]["translations"]["ja"] == "貿易と安全保障を話し合った。"


def test_a_reviewer_edit_is_reused_by_the_next_brief(client):
    body = {"text": ARTICLE, "sentences": 2, "target_langs": ["ko"]}
    stored = client.post("/v1/briefs", json={**body, "store": True}).get_json()
    client.patch(f"/v1/briefs/{stored['id']}/segments/s1", json={"lang": "ko", "text": "관리들이 월요일에 만났다."})
    brief = client.post("/v1/briefs", json=body).get_json()
    assert brief["segments"][0]["provenance"]["ko"] == "tm-exact"
    assert brief["segments"][0]["translations"]["ko"] == "관리들이 월요일에 만났다."
    assert any(w["code"] == "tm-glossary" for w in brief["meta"]["warnings"]), "Tokyo's rendering is missing"


def test_a_near_match_is_offered_with_its_score(client):
    from service.memory.files import MemoryUnit

    store = client.application.extensions["briefs"].memories
    store.add_units("desk", [MemoryUnit("en", "ja", "They discussed trade and security issues.", "貿易と安全保障。")])
    brief = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 2, "target_langs": ["ja"]}).get_json()
    [suggestion] = [w for w in brief["meta"]["warnings"] if w["code"] == "tm-suggestion"]
    assert (suggestion["segment"], suggestion["lang"]) == ("s2", "ja") and "%" in suggestion["message"]
    assert brief["segments"][1]["provenance"]["ja"] == "model"
