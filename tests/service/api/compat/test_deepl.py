"""DeepL text door on the tagging fake: body forms, detection, languages, usage."""
from __future__ import annotations

import pytest

from tests.service.api.compat.helpers import JA_EN

TEXT = "Officials met in Tokyo on Monday. They discussed trade."


def test_form_body_with_repeated_text_fields(client):
    response = client.post("/v2/translate", data={"text": [TEXT, "Seoul"], "target_lang": "KO",
                                                  "source_lang": "EN"})
    assert response.status_code == 200, response.data
    translations = response.get_json()["translations"]
    assert [t["billed_characters"] for t in translations] == [len(TEXT), len("Seoul")]
    assert all(t["text"].startswith("<ko> ") and t["detected_source_language"] == "EN" for t in translations)


def test_sentences_are_translated_one_by_one_with_spacing_kept(client):
    text = "  First sentence here.\n\nSecond one follows.  "
    body = {"text": [text], "target_lang": "JA", "source_lang": "EN"}
    out = client.post("/v2/translate", json=body).get_json()["translations"][0]["text"]
    assert out == "  <ja> First sentence here.\n\n<ja> Second one follows.  "


def test_split_sentences_off_sends_the_text_whole(client):
    body = {"text": ["One. Two."], "target_lang": "JA", "source_lang": "EN", "split_sentences": "0"}
    assert client.post("/v2/translate", json=body).get_json()["translations"][0]["text"] == "<ja> One. Two."


def test_only_peer_fields_are_answered(client):
    body = client.post("/v2/translate", json={"text": [TEXT], "target_lang": "JA", "source_lang": "EN"}).get_json()
    assert set(body) == {"translations"}
    assert set(body["translations"][0]) == {"detected_source_language", "text", "billed_characters"}


def test_omitted_source_is_detected_per_text(client):
    japanese = "東京で月曜日に政府の代表者が会談し、貿易と安全保障について話し合った。今後も協議を続ける予定だ。"
    body = {"text": [TEXT, japanese], "target_lang": "JA"}
    translations = client.post("/v2/translate", json=body).get_json()["translations"]
    assert [t["detected_source_language"] for t in translations] == ["EN", "JA"]
    assert translations[1]["text"] == body["text"][1]  # already in the target language


@pytest.mark.parametrize("formality", ["default", "prefer_more", "prefer_less"])
def test_formality_that_may_fall_back_is_accepted(client, formality):
    body = {"text": [TEXT], "target_lang": "JA", "source_lang": "EN", "formality": formality}
    assert client.post("/v2/translate", json=body).status_code == 200


@pytest.mark.parametrize("how", ["query", "form"])
def test_target_languages_by_query_or_form(client, how):
    response = (client.get("/v2/languages?type=target") if how == "query"
                else client.get("/v2/languages", data={"type": "target"}))
    assert [lang["language"] for lang in response.get_json()] == ["JA", "KO"]


def test_english_variants_appear_when_a_pair_into_english_is_configured(make_app):
    client = make_app(models=JA_EN).test_client()
    targets = [lang["language"] for lang in client.get("/v2/languages?type=target").get_json()]
    assert targets == ["EN-GB", "EN-US", "JA", "KO"]
    sources = [lang["language"] for lang in client.get("/v2/languages").get_json()]
    assert sources == ["EN", "JA"]


def test_usage_of_a_key(make_app):
    app = make_app(http={"char_quota": 500})
    _, key = app.extensions["briefs.keys"].create("desk")
    client = app.test_client()
    headers = {"Authorization": f"DeepL-Auth-Key {key}"}
    client.post("/v2/translate", json={"text": ["Seoul"], "target_lang": "KO", "source_lang": "EN"},
                headers=headers)
    assert client.get("/v2/usage", headers=headers).get_json() == {
        "character_count": 5, "character_limit": 500, "document_count": 0, "document_limit": 1_000_000_000_000}


def test_glossary_language_pairs(client):
    pairs = client.get("/v2/glossary-language-pairs").get_json()["supported_languages"]
    assert pairs == [{"source_lang": "en", "target_lang": "ja"}, {"source_lang": "en", "target_lang": "ko"}]


def test_doors_are_in_the_openapi_document(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    for path in ("/v2/translate", "/v2/glossaries", "/v3/glossaries", "/v2/document", "/translate", "/detect",
                 "/languages", "/translate_file"):
        assert path in paths
