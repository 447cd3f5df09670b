"""POST /v1/briefs and /v1/translate on the doubles: shapes per schema, include, defaults, bad input."""
from __future__ import annotations

import pytest

from service.api.schemas import BriefSchema
from tests.service.api.conftest import ARTICLE, assert_problem


def test_one_article_gives_one_brief_matching_the_schema(client):
    response = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 2})
    assert response.status_code == 200
    body = response.get_json()
    assert BriefSchema().validate(body) == {}
    assert [s["en"] for s in body["segments"]] == ["Officials met in Tokyo on Monday.",
                                                  "They discussed trade and security."]
    second = body["segments"][1]
    assert second["translations"] == {"ja": f"<ja> {second['en']}", "ko": f"<ko> {second['en']}"}
    assert set(body["meta"]["timings_ms"]) >= {"segment", "summarize", "translate", "align"}
    assert body["meta"]["target_langs"] == ["ja", "ko"]


def test_default_glossary_is_enforced_and_reported(client):
    body = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 1}).get_json()
    tokyo = next(e for e in body["entities"] if e["source"] == "Tokyo")
    assert tokyo["resolution"] == "glossary"
    assert tokyo["renderings"]["ja"] in body["segments"][0]["translations"]["ja"]
    assert {m["lang"] for m in tokyo["mentions"]} == {"en", "ja", "ko"}


def test_inline_glossary_overrides_the_default(client):
    entry = {"source": "Tokyo", "renderings": {"ja": "トーキョー", "ko": "토오쿄"}, "type": "place"}
    body = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 1, "inline_glossary": [entry]}).get_json()
    assert "トーキョー" in body["segments"][0]["translations"]["ja"]
    assert "토오쿄" in body["segments"][0]["translations"]["ko"]


def test_texts_give_a_list_of_briefs_each_from_its_own_article(client):
    other = "Rain fell in Seoul. Markets were calm. Schools stayed open."
    response = client.post("/v1/briefs", json={"texts": [ARTICLE, other], "sentences": 1,
                                               "target_langs": ["ko"]})
    assert response.status_code == 200
    briefs = response.get_json()
    assert [b["segments"][0]["en"] for b in briefs] == ["Officials met in Tokyo on Monday.", "Rain fell in Seoul."]
    assert briefs[1]["segments"][0]["translations"]["ko"].startswith("<ko> Rain fell in ")
    assert set(briefs[1]["segments"][0]["translations"]) == {"ko"}


@pytest.mark.parametrize("include, present", [([], set()), (["meta"], {"meta"}), (["entities"], {"entities"}),
                                              (["entities", "meta"], {"entities", "meta"})])
def test_include_omits_parts_not_asked_for(client, include, present):
    body = client.post("/v1/briefs", json={"text": ARTICLE, "include": include}).get_json()
    assert set(body) == {"segments"} | present


def test_ratio_and_inline_glossary_are_accepted(client):
    entry = {"source": "Tokyo", "renderings": {"ja": "東京", "ko": "도쿄"}, "type": "place"}
    response = client.post("/v1/briefs", json={"text": ARTICLE, "ratio": 0.5, "inline_glossary": [entry]})
    assert response.status_code == 200
    assert len(response.get_json()["segments"]) == 2


def test_translate_keeps_segments_and_reports_entities(client):
    response = client.post("/v1/translate", json={"segments": ["One.", "Two."], "target_langs": ["ja"]})
    assert response.status_code == 200
    body = response.get_json()
    assert BriefSchema().validate(body) == {}
    assert [(s["en"], s["translations"]["ja"]) for s in body["segments"]] == [("One.", "<ja> One."),
                                                                           ("Two.", "<ja> Two.")]
    assert "entities" in body and "summarizer" not in body["meta"]["models"]


@pytest.mark.parametrize("payload, field", [
    ({}, "text"),
    ({"text": ARTICLE, "texts": [ARTICLE]}, "text"),
    ({"text": ARTICLE, "sentences": 0}, "sentences"),
    ({"text": ARTICLE, "ratio": 1.5}, "ratio"),
    ({"text": ARTICLE, "sentences": 2, "ratio": 0.5}, "ratio"),
    ({"text": ARTICLE, "include": ["everything"]}, "include.0"),
    ({"text": ARTICLE, "target_langs": []}, "target_langs"),
    ({"text": 42}, "text"),
    ({"text": ARTICLE, "surprise": True}, "surprise"),
    ({"text": ARTICLE, "inline_glossary": [{"source": " ", "renderings": {}}]}, "inline_glossary.0.source"),
    ({"text": ARTICLE, "inline_glossary": [{"source": "X", "renderings": {}, "type": "fruit"}]},
     "inline_glossary.0.type"),
])
def test_schema_violations_are_422_with_field_errors(client, payload, field):
    body = assert_problem(client.post("/v1/briefs", json=payload), 422, "validation-failed")
    assert field in {e["field"] for e in body["errors"]}


def test_translate_needs_segments(client):
    body = assert_problem(client.post("/v1/translate", json={"target_langs": ["ja"]}), 422)
    assert body["errors"][0]["field"] == "segments"


@pytest.mark.parametrize("payload, code", [
    ({"text": "   "}, "empty-text"),
    ({"text": ARTICLE, "target_langs": ["xx"]}, "unknown-language"),
    ({"text": ARTICLE, "target_langs": ["de"]}, "unsupported-pair"),
    ({"text": ARTICLE, "target_langs": ["en"]}, "bad-input"),
])
def test_domain_errors_keep_their_code(client, payload, code):
    assert_problem(client.post("/v1/briefs", json=payload), 422, code)


def test_article_over_the_character_limit_is_413(make_app):
    client = make_app(limits={"max_chars": 20}).test_client()
    assert_problem(client.post("/v1/briefs", json={"text": ARTICLE}), 413, "text-too-long")
