"""Reviewing stored briefs over HTTP: statuses (edit, confirm, reopen), the list, memory matches per segment."""
from __future__ import annotations

import pytest

from service.memory.files import MemoryUnit
from tests.service.api.helpers import ARTICLE, assert_problem

FIRST = "Officials met in Tokyo on Monday."


def stored(client, text=ARTICLE, **extra) -> dict:
    response = client.post("/v1/briefs", json={"text": text, "sentences": 2, "store": True, **extra})
    assert response.status_code == 200, response.data
    return response.get_json()


def patch(client, bid, body, sid="s1"):
    return client.patch(f"/v1/briefs/{bid}/segments/{sid}", json=body)


def test_a_new_brief_is_a_draft_in_every_language_with_who_won_each_rendering(client):
    body = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 2}).get_json()
    assert [s["status"] for s in body["segments"]] == [{"ja": "draft", "ko": "draft"}] * 2
    [tokyo] = [e for e in body["entities"] if e["source"] == "Tokyo"]
    assert tokyo["rendered_by"] == {"ja": "default", "ko": "default"}


@pytest.mark.parametrize(("steps", "status", "provenance", "version", "history"), [
    ([{"confirmed": True}], "confirmed", "model", 2, 0),
    ([{"text": "東京で会合。"}], "edited", "edited", 2, 1),
    ([{"text": "東京で会合。", "confirmed": True}], "confirmed", "edited", 2, 1),
    ([{"confirmed": True}, {"confirmed": False}], "draft", "model", 3, 0),
    ([{"text": "東京で会合。", "confirmed": True}, {"confirmed": False}], "edited", "edited", 3, 1),
    ([{"confirmed": True}, {"text": "東京で会合。"}], "edited", "edited", 3, 1),  # an edit reopens
    ([{"confirmed": True}, {"confirmed": True}], "confirmed", "model", 2, 0),  # no change: no new version
])
def test_status_follows_edits_and_confirmations(client, steps, status, provenance, version, history):
    bid = stored(client)["id"]
    for step in steps:
        response = patch(client, bid, {"lang": "ja", **step})
        assert response.status_code == 200, response.data
    body = response.get_json()
    segment = body["segments"][0]
    assert (segment["status"]["ja"], segment["provenance"]["ja"]) == (status, provenance)
    assert segment["status"]["ko"] == "draft"
    assert (body["version"], len(body["history"])) == (version, history)


def test_the_same_text_again_is_the_reviewers_edit(client):
    brief = stored(client)
    same = brief["segments"][0]["translations"]["ja"]
    body = patch(client, brief["id"], {"lang": "ja", "text": same}).get_json()
    segment = body["segments"][0]
    assert (body["version"], len(body["history"])) == (2, 1)
    assert (segment["translations"]["ja"], segment["provenance"]["ja"], segment["status"]["ja"]) == (
        same, "edited", "edited")


def test_a_confirmation_teaches_the_memory_and_exports_as_final(client, app):
    brief = stored(client, target_langs=["ja"])
    patch(client, brief["id"], {"lang": "ja", "confirmed": True, "memory": "desk-review"})
    memories = app.extensions["briefs"].memories
    assert memories.exact("en", "ja", [FIRST])[FIRST].target == brief["segments"][0]["translations"]["ja"]
    xliff = client.get(f"/v1/briefs/{brief['id']}?format=xliff12").data
    assert xliff.count(b'state="final"') == 1
    assert b'approved="yes"' in xliff


@pytest.mark.parametrize(("body", "field"), [
    ({"lang": "ja"}, "text"),
    ({"lang": "ja", "confirmed": "yes"}, "confirmed"),
    ({"lang": "ja", "confirmed": 1}, "confirmed"),
    ({"confirmed": True}, "lang"),
    ({"lang": "ja", "text": "   "}, "text"),
])
def test_a_change_needs_text_or_confirmed(client, body, field):
    bid = stored(client)["id"]
    problem = assert_problem(patch(client, bid, body), 422)
    assert field in {e["field"] for e in problem["errors"]}
    assert client.get(f"/v1/briefs/{bid}").get_json()["version"] == 1


def test_confirming_a_language_the_segment_lacks_is_refused(client):
    bid = stored(client, target_langs=["ja"])["id"]
    assert_problem(patch(client, bid, {"lang": "ko", "confirmed": True}), 422, "bad-input")
    assert_problem(patch(client, bid, {"lang": "ja", "confirmed": True}, sid="s9"), 404, "not-found")


def test_the_list_is_newest_first_with_title_languages_and_review_counts(client):
    first = stored(client)["id"]
    second = stored(client, text="Ferries resumed at Port Alder on Tuesday. Crews cleared the harbour.",
                    target_langs=["ko"])["id"]
    patch(client, first, {"lang": "ja", "confirmed": True})
    patch(client, first, {"lang": "ko", "confirmed": True})
    patch(client, first, {"lang": "ja", "confirmed": True}, sid="s2")
    body = client.get("/v1/briefs").get_json()
    assert body["total"] == 2
    assert [b["id"] for b in body["briefs"]] == [second, first]
    newest, oldest = body["briefs"]
    assert newest["title"] == "Ferries resumed at Port Alder on Tuesday."
    assert newest["target_langs"] == ["ko"]
    assert newest["review"] == {"segments": 2, "segments_confirmed": 0, "translations": 2, "translations_confirmed": 0}
    assert oldest["title"] == FIRST
    assert oldest["review"] == {"segments": 2, "segments_confirmed": 1, "translations": 4, "translations_confirmed": 3}
    assert oldest["version"] == 4
    page = client.get("/v1/briefs?limit=1&offset=1").get_json()
    assert ([b["id"] for b in page["briefs"]], page["total"]) == ([first], 2)


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1", "limit=x"])
def test_bad_list_queries_are_422(client, query):
    assert_problem(client.get(f"/v1/briefs?{query}"), 422)


def test_memory_matches_of_one_segment_exact_first_then_fuzzy_with_scores(client, app):
    memories = app.extensions["briefs"].memories
    memories.add_units("wire", [MemoryUnit("en", "ja", "Officials met in Tokyo on Sunday.", "日曜に東京で会合。", "t"),
                                MemoryUnit("en", "ja", "Markets were calm.", "市場は平穏。", "t")])
    memories.add_units("desk", [MemoryUnit("en", "ja", FIRST, "月曜に東京で会合。", "t")])
    bid = stored(client)["id"]
    body = client.get(f"/v1/briefs/{bid}/segments/s1/matches?lang=ja").get_json()
    assert (body["segment"], body["lang"], body["source"]) == ("s1", "ja", FIRST)
    exact, fuzzy = body["matches"]
    assert (exact["memory"], exact["target"], exact["score"]) == ("desk", "月曜に東京で会合。", 1.0)
    assert exact["exact"] is True
    assert (fuzzy["memory"], fuzzy["target"], fuzzy["exact"]) == ("wire", "日曜に東京で会合。", False)
    assert 0.75 <= fuzzy["score"] < 1
    one = client.get(f"/v1/briefs/{bid}/segments/s1/matches?lang=ja&limit=1").get_json()
    assert [m["memory"] for m in one["matches"]] == ["desk"]
    assert client.get(f"/v1/briefs/{bid}/segments/s2/matches?lang=ja").get_json()["matches"] == []


@pytest.mark.parametrize(("path", "status"), [
    ("/v1/briefs/{id}/segments/s1/matches", 422),  # no lang
    ("/v1/briefs/{id}/segments/s1/matches?lang=fr", 422),
    ("/v1/briefs/{id}/segments/s9/matches?lang=ja", 404),
    ("/v1/briefs/nope/segments/s1/matches?lang=ja", 404),
    ("/v1/briefs/{id}/segments/s1/matches?lang=ja&limit=21", 422),
])
def test_bad_match_lookups(client, path, status):
    bid = stored(client)["id"]
    assert_problem(client.get(path.format(id=bid)), status)


def test_usage_names_the_keys_role_and_team(team_keyed):
    _app, client, h = team_keyed
    assert (client.get("/v1/usage", headers=h["reader"]).get_json()["role"],
            client.get("/v1/usage", headers=h["reader"]).get_json()["team"]) == ("reader", "desk")
    assert client.get("/v1/usage", headers=h["admin"]).get_json()["role"] == "admin"
    assert client.get("/v1/usage", headers=h["solo"]).get_json()["team"] is None
