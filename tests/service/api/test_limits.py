"""Bounded work: each request bound is refused (422) before any engine call, and the quota counts it all."""
from __future__ import annotations

import pytest

from service.api.limits import entry_characters, request_characters
from service.storage.keys import KeyStore
from tests.service.api.helpers import assert_problem

SENTENCE = "Officials met in Tokyo on Monday."
ENTRY = {"source": "Tokyo", "renderings": {"ja": "東京", "ko": "도쿄"}}
SMALL = {"max_segments": 3, "max_segment_chars": 40, "max_texts": 2, "max_total_chars": 100,
         "max_inline_entries": 2, "max_inline_chars": 30, "max_import_entries": 2}
# One request per bound the issue names, each just over its (small) configured limit.
OVER = {
    "segments-per-request": ("/v1/translate", {"segments": [SENTENCE] * 4}, "segments"),
    "characters-per-segment": ("/v1/translate", {"segments": ["x" * 41]}, "segments.0"),
    "texts-per-request": ("/v1/briefs", {"texts": [SENTENCE] * 3}, "texts"),
    "total-characters-texts": ("/v1/briefs", {"texts": [SENTENCE * 2, SENTENCE * 2]}, "texts"),
    "total-characters-segments": ("/v1/translate", {"segments": [SENTENCE, SENTENCE, SENTENCE + "!!!"]}, "segments"),
    "inline-glossary-entries": ("/v1/translate", {"segments": [SENTENCE], "inline_glossary": [ENTRY] * 3},
                                "inline_glossary"),
    "inline-glossary-size": ("/v1/briefs", {"text": SENTENCE, "inline_glossary": [
        {"source": "Tokyo", "renderings": {"ja": "東" * 30}}]}, "inline_glossary"),
    "glossary-entries-per-create": ("/v1/glossaries", {"name": "big", "entries": [
        {"source": f"T{n}", "renderings": {"ja": "x"}} for n in range(3)]}, "entries"),
    "glossary-entries-per-add": ("/v1/glossaries/default/entries", {"entries": [
        {"source": f"T{n}", "renderings": {"ja": "x"}} for n in range(3)]}, "entries"),
}


@pytest.fixture
def small_app(make_app, translator):
    return make_app(limits=SMALL)


@pytest.mark.parametrize("name", sorted(OVER))
def test_a_request_over_a_bound_is_refused_before_any_work(small_app, translator, name):
    path, body, field = OVER[name]
    problem = assert_problem(small_app.test_client().post(path, json=body), 422, "validation-failed")
    assert field in {e["field"] for e in problem["errors"]}
    assert translator.calls == []


def test_glossary_file_import_over_the_entry_bound_is_refused(small_app):
    tsv = "source\tja\n" + "".join(f"T{n}\tx{n}\n" for n in range(3))
    client = small_app.test_client()
    response = client.post("/v1/glossaries?name=big", data=tsv.encode(), content_type="text/tab-separated-values")
    assert_problem(response, 422)
    assert client.get("/v1/glossaries/big").status_code == 404


def test_requests_at_the_bounds_pass(small_app, translator):
    client = small_app.test_client()
    response = client.post("/v1/translate", json={"segments": ["Tokyo is big.", "Rain.", "Sun."],
                                                  "inline_glossary": [ENTRY], "target_langs": ["ja"]})
    assert response.status_code == 200, response.data
    assert translator.calls


def test_the_spec_states_the_bounds(client):
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    segments = schemas["TranslateRequest"]["properties"]["segments"]
    assert segments["maxItems"] > 1
    assert segments["items"]["maxLength"] > 1
    briefs = schemas["BriefsRequest"]["properties"]
    assert briefs["texts"]["maxItems"] >= 1
    assert briefs["inline_glossary"]["maxItems"] >= 1
    assert briefs["text"]["minLength"] == 1


def test_quota_counts_the_inline_glossary(make_app):
    app = make_app(http={"api_keys_required": True})
    _, secret = KeyStore(app.extensions["briefs"].settings.store_path).create("q")
    client = app.test_client()
    body = {"segments": [SENTENCE], "target_langs": ["ja"], "inline_glossary": [ENTRY]}
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.post("/v1/translate", json=body, headers=headers).status_code == 200
    usage = client.get("/v1/usage", headers=headers).get_json()
    assert usage["characters"] == len(SENTENCE) + entry_characters(ENTRY) > len(SENTENCE)


@pytest.mark.parametrize(("body", "expected"), [
    ({"text": "abc"}, 3),
    ({"texts": ["ab", "cd"]}, 4),
    ({"segments": ["a", "bc"], "inline_glossary": [{"source": "ab", "renderings": {"ja": "x"}}]}, 3 + 2 + 3),
])
def test_request_characters(body, expected):
    assert request_characters(body) == expected
