"""The desk's round trip over HTTP: an edited XLIFF or a reviewer's edit is reused by the next brief,
with the store on SQLite and on PostgreSQL."""
from __future__ import annotations

import pytest
from lxml import etree

from tests.helpers import make_settings
from tests.service.api.helpers import ARTICLE
from tests.service.memory.helpers import edit_target


@pytest.fixture
def api_settings(tmp_path, store_url):
    """The API tests' settings with the whole store (glossaries, keys, memories, briefs) at ``store_url``."""
    return make_settings(tmp_path, store_url=store_url, http={"rate_limit": "1000/minute", "batch_max_wait_ms": 1})


def test_http_edited_xliff_makes_the_next_brief_tm_exact(client):
    body = {"text": ARTICLE, "sentences": 2, "target_langs": ["ja"]}
    root = etree.fromstring(client.post("/v1/briefs?format=xliff", json=body).data)
    edit_target(root, "s2", "貿易と安全保障を話し合った。")
    response = client.post("/v1/memories/desk", data=etree.tostring(root), content_type="application/xliff+xml")
    assert response.status_code == 201
    assert response.get_json()["unit_count"] == 1
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
    assert (suggestion["segment"], suggestion["lang"]) == ("s2", "ja")
    assert "%" in suggestion["message"]
    assert brief["segments"][1]["provenance"]["ja"] == "model"


def test_a_stored_brief_reads_back_with_its_edits_after_a_new_process_opens_the_store(client, make_app,
                                                                                       store_url):
    body = {"text": ARTICLE, "sentences": 2, "target_langs": ["ja"], "store": True}
    stored = client.post("/v1/briefs", json=body).get_json()
    edited = client.patch(f"/v1/briefs/{stored['id']}/segments/s2", json={"lang": "ja", "text": "会談した。"})
    assert edited.status_code == 200
    assert edited.get_json()["version"] == 2
    again = make_app(store_url=store_url).test_client()  # another worker or host on the same store
    back = again.get(f"/v1/briefs/{stored['id']}").get_json()
    assert back["version"] == 2
    assert back["segments"][1]["translations"]["ja"] == "会談した。"
    assert [(e["segment"], e["text"]) for e in back["history"]] == [("s2", "会談した。")]
    assert [m["name"] for m in again.get("/v1/memories").get_json()["memories"]] == ["edits"]
