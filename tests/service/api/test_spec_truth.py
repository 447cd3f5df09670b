"""/openapi.json tells the truth: If-Match on glossary edits, 503 store-unavailable with Retry-After,
and glossary terms with the store's rules."""
from __future__ import annotations

import re

import pytest

from service.api.spec_truth import ALIAS, TERM
from service.glossary.model import GlossaryEntry
from service.glossary.validation import entry_problem

EDITS = [("put", "/v1/glossaries/{name}"), ("delete", "/v1/glossaries/{name}"),
         ("post", "/v1/glossaries/{name}/entries"), ("delete", "/v1/glossaries/{name}/entries")]
STORE_OPERATIONS = [("post", "/v1/briefs"), ("post", "/v1/translate"), ("get", "/v1/glossaries"),
                    ("post", "/v1/glossaries"), ("put", "/v1/glossaries/{name}"), ("get", "/v1/memories"),
                    ("get", "/v1/usage"), ("get", "/v1/languages")]


@pytest.fixture
def spec(client):
    return client.get("/openapi.json").get_json()


def _if_match(operation: dict) -> dict:
    return next(p for p in operation.get("parameters", []) if p["in"] == "header" and p["name"] == "If-Match")


@pytest.mark.parametrize(("method", "path"), EDITS)
def test_every_glossary_edit_documents_if_match_and_its_409(spec, method, path):
    operation = spec["paths"][path][method]
    assert _if_match(operation)["required"] is False
    assert "application/problem+json" in operation["responses"]["409"]["content"]
    assert "422" in operation["responses"]


@pytest.mark.parametrize(("header", "documented"), [
    ('"7"', True), ('W/"7"', True), ("*", True), (' "7"\t', True),
    ("7", False), ('"7", "8"', False), ('"x"', False), ('"٣"', False), ('\xa0"7"', False), ("", False),
])
def test_the_documented_if_match_is_exactly_what_the_server_takes(client, spec, header, documented):
    pattern = _if_match(spec["paths"]["/v1/glossaries/{name}"]["put"])["schema"]["pattern"]
    assert (re.fullmatch(pattern, header) is not None) is documented
    client.post("/v1/glossaries", json={"name": "desk", "entries": []})
    response = client.put("/v1/glossaries/desk", json={"entries": []}, headers={"If-Match": header})
    assert response.status_code in ((200, 409) if documented else (422,)), response.data


@pytest.mark.parametrize(("method", "path"), STORE_OPERATIONS)
def test_operations_that_touch_the_store_document_503_store_unavailable_with_retry_after(spec, method, path):
    answer = spec["paths"][path][method]["responses"]["503"]
    assert "store-unavailable" in answer["description"]
    assert "application/problem+json" in answer["content"]
    assert "Retry-After" in answer["headers"]
    assert "Retry-After" in spec["paths"][path][method]["responses"]["429"]["headers"]


@pytest.mark.parametrize(("source", "alias", "rendering", "storable"), [
    ("Kihara", "Mr Kihara", "木原", True), (" Kihara", "K", "木原", False), ("Kihara", "K|H", "木原", False),
    ("Kihara", "K", "木\n原", False), ("Kihara", "K", "x" * 501, False), ("K\u00a0", "K2", "木原", False),
])
def test_term_patterns_agree_with_the_store(source, alias, rendering, storable):
    matches = all(re.fullmatch(TERM, t) for t in (source, rendering)) and re.fullmatch(ALIAS, alias)
    documented = bool(matches) and len(rendering) <= 500
    entry = GlossaryEntry(source=source, aliases=(alias,), renderings={"ja": rendering})
    assert documented is storable
    assert (entry_problem(entry) is None) is storable


@pytest.mark.parametrize(("field", "value", "documented"), [
    ("source_lang", "en", True), ("source_lang", "", False), ("source_lang", "EN", False),
    ("source_lang", " en", False), ("target_langs", ["ja"], True), ("target_langs", [""], False),
    ("target_langs", ["JA"], False), ("target_langs", ["ja\n"], False),
])
def test_language_codes_are_taken_exactly_as_documented(client, spec, field, value, documented):
    """An empty source_lang is not an omitted one; letter case and spaces are not guessed at."""
    schema = spec["components"]["schemas"]["TranslateRequest"]["properties"][field]
    allowed = schema["enum"] if field == "source_lang" else schema["items"]["enum"]
    assert all(v in allowed for v in (value if isinstance(value, list) else [value])) is documented
    response = client.post("/v1/translate", json={"segments": ["The port reopened."], field: value})
    assert response.status_code == (200 if documented else 422), response.data


@pytest.mark.parametrize("text", [" The port reopened.", "\u202eThe port reopened.", "\tIt did."])
def test_text_documented_by_a_pattern_is_taken_wherever_the_pattern_finds_it(client, spec, text):
    """JSON Schema finds a ``pattern`` anywhere in the value: so does the server (leading space included)."""
    pattern = spec["components"]["schemas"]["TranslateRequest"]["properties"]["segments"]["items"]["pattern"]
    assert re.search(pattern, text)
    assert client.post("/v1/translate", json={"segments": [text], "target_langs": ["ja"]}).status_code == 200
    stored = client.post("/v1/briefs", json={"text": "The port reopened on Monday.", "target_langs": ["ja"],
                                             "store": True}).get_json()
    edit_pattern = spec["components"]["schemas"]["SegmentEdit"]["properties"]["text"]["pattern"]
    assert re.search(edit_pattern, text)
    edited = client.patch(f"/v1/briefs/{stored['id']}/segments/s1", json={"lang": "ja", "text": text})
    assert edited.status_code == 200, edited.data


@pytest.mark.parametrize("text", ["\u0093", "\u202e\u2066 ", "\x00\t"])
def test_an_edit_of_nothing_but_controls_is_refused_by_its_documented_pattern(client, spec, text):
    pattern = spec["components"]["schemas"]["SegmentEdit"]["properties"]["text"]["pattern"]
    assert not re.search(pattern, text)
    stored = client.post("/v1/briefs", json={"text": "The port reopened on Monday.", "target_langs": ["ja"],
                                             "store": True}).get_json()
    edited = client.patch(f"/v1/briefs/{stored['id']}/segments/s1", json={"lang": "ja", "text": text})
    assert edited.status_code == 422, edited.data
