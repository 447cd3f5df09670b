"""The doors' OpenAPI description: the peers' error shapes, and language fields the server agrees with."""
from __future__ import annotations

import re

import pytest

from service.api.compat.langcodes import code_pattern, our_code
from service.api.compat.schemas import DeepLTranslateSchema
from tests.service.api.compat.helpers import JA_EN

DEEPL_OPERATIONS = [("post", "/v2/translate"), ("get", "/v2/glossaries/{glossary_id}"), ("post", "/v3/glossaries"),
                    ("post", "/v2/document")]
LIBRE_OPERATIONS = [("post", "/translate"), ("post", "/detect"), ("get", "/languages"), ("post", "/translate_file")]


@pytest.fixture
def spec(client):
    return client.get("/openapi.json").get_json()


def _error_field(response: dict) -> str:
    content = response["content"]
    assert list(content) == ["application/json"], content  # never problem+json on a door
    return content["application/json"]["schema"]["required"][0]


@pytest.mark.parametrize(("method", "path"), DEEPL_OPERATIONS)
def test_deepl_errors_are_documented_in_deepls_shape(spec, method, path):
    responses = spec["paths"][path][method]["responses"]
    assert {"400", "403", "404", "429", "456", "503", "default"} <= set(responses)
    assert "422" not in responses  # validation failures are 400 on a door
    assert {_error_field(r) for s, r in responses.items() if s == "default" or s[0] in "45"} == {"message"}


@pytest.mark.parametrize(("method", "path"), LIBRE_OPERATIONS)
def test_libretranslate_errors_are_documented_in_its_shape(spec, method, path):
    responses = spec["paths"][path][method]["responses"]
    assert {"400", "403", "429", "500", "default"} <= set(responses)
    assert "422" not in responses
    assert {_error_field(r) for s, r in responses.items() if s == "default" or s[0] in "45"} == {"error"}


@pytest.mark.parametrize(("method", "path"), [("get", "/frontend/settings"), ("post", "/translate_file"),
                                              ("get", "/download_file/{token}/{filename}"),
                                              ("post", "/v2/document/{document_id}/result")])
def test_success_answers_are_documented(spec, method, path):
    assert spec["paths"][path][method]["responses"]["200"].get("content")


def test_deepl_language_fields_carry_the_served_codes(spec):
    properties = spec["components"]["schemas"]["DeepLTranslate"]["properties"]
    assert re.fullmatch(properties["target_lang"]["pattern"], "JA")
    assert not re.fullmatch(properties["target_lang"]["pattern"], "EN")  # no en target among the tiny pairs
    assert re.fullmatch(properties["source_lang"]["pattern"], "en-us")
    assert {"type": "string"} in properties["text"]["anyOf"]  # one string is a list of one


def test_libretranslate_language_fields_are_enums_of_served_codes(spec):
    properties = spec["components"]["schemas"]["LibreTranslate"]["properties"]
    assert properties["source"]["enum"] == ["auto", "en"]
    assert properties["target"]["enum"] == ["ja", "ko"]


def test_v3_patch_body_is_optional_and_nested_bodies_are_json_only(spec):
    patch = spec["paths"]["/v3/glossaries/{glossary_id}"]["patch"]["requestBody"]
    assert patch["required"] is False
    assert list(spec["paths"]["/v3/glossaries"]["post"]["requestBody"]["content"]) == ["application/json"]


@pytest.mark.parametrize(("code", "expected"), [
    ("EN", "en"), ("en", "en"), ("En-uS", "en"), ("EN-GB", "en"), ("JA", "ja"),
    (" EN", None), ("EN ", None), ("EN-XX", None), ("ENG", None), ("", None), ("DE", None), (None, None),
    ("EN-Uſ", None),  # "ſ".upper() == "S": the rule is the pattern, not upper()
])
def test_a_deepl_code_is_exactly_what_the_documented_pattern_matches(code, expected):
    served = ["en", "ja", "ko"]
    assert our_code(code, served) == expected
    matches = isinstance(code, str) and re.fullmatch(code_pattern(served), code) is not None
    assert matches == (expected is not None)


@pytest.mark.parametrize(("value", "accepted"), [
    (True, True), (0, True), (1, True), ("0", True), ("true", True), ("false", True),
    (2, False), ("TRUE", False), ("yes", False), (None, False), (1.0, False),
])
def test_deepl_flags_accept_exactly_the_documented_values(value, accepted):
    errors = DeepLTranslateSchema().validate({"text": ["x"], "target_lang": "JA", "preserve_formatting": value})
    assert ("preserve_formatting" not in errors) is accepted


@pytest.mark.parametrize(("source", "target"), [("EN", "ja"), ("en", " ja"), ("auto", "JA"), ("fr", "ja")])
def test_libretranslate_refuses_codes_outside_the_documented_enums(client, source, target):
    response = client.post("/translate", json={"q": "Hello there.", "source": source, "target": target})
    assert response.status_code == 400
    assert "error" in response.get_json()


def _branch_for(branches: list[dict], field: str, source: str) -> dict:
    return next(b for b in branches if source in b.get("properties", {}).get(field, {}).get("enum", [])
                or re.fullmatch(b.get("properties", {}).get(field, {}).get("pattern", "^$"), source))


def test_with_several_sources_each_source_takes_only_its_own_targets(make_app):
    client = make_app(models=JA_EN).test_client()
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    deepl = _branch_for(schemas["DeepLTranslate"]["anyOf"], "source_lang", "JA")
    assert re.fullmatch(deepl["properties"]["target_lang"]["pattern"], "EN-US")
    assert not re.fullmatch(deepl["properties"]["target_lang"]["pattern"], "KO")
    body = {"text": ["Hello."], "source_lang": "JA", "target_lang": "KO"}
    assert client.post("/v2/translate", json=body).status_code == 400  # as documented: no ja-ko pair
    libre = _branch_for(schemas["LibreTranslate"]["anyOf"], "source", "ja")
    assert libre["properties"]["target"]["enum"] == ["en", "ja"]  # ja to ja answers the text as it is
    assert client.post("/translate", json={"q": "こんにちは", "source": "ja", "target": "ja"}).status_code == 200
    assert client.post("/translate", json={"q": "こんにちは", "source": "ja", "target": "ko"}).status_code == 400


def test_libretranslate_q_is_never_empty_and_bounded_as_the_server_bounds_it(spec, client):
    q = spec["components"]["schemas"]["LibreTranslate"]["properties"]["q"]
    string, many = q["anyOf"]
    assert (string["minLength"], many["minItems"]) == (1, 1)
    assert string["maxLength"] == many["items"]["maxLength"] == 100_000
    detect = spec["components"]["schemas"]["LibreDetect"]["properties"]["q"]
    assert (detect["minLength"], detect["maxLength"]) == (1, 100_000)
    assert client.post("/translate", json={"q": "", "source": "en", "target": "ja"}).status_code == 400


@pytest.mark.parametrize("path", ["/translate_file", "/v2/document"])
def test_uploads_declare_their_file_types(spec, path):
    content = spec["paths"][path]["post"]["requestBody"]["content"]["multipart/form-data"]
    declared = content["encoding"]["file"]["contentType"]
    for media_type in ("text/plain", "text/html", "application/vnd.openxmlformats-officedocument."
                       "wordprocessingml.document", "application/xliff+xml"):
        assert media_type in declared
    assert ".docx" in content["schema"]["properties"]["file"]["description"]


@pytest.mark.parametrize(("method", "path"), DEEPL_OPERATIONS + LIBRE_OPERATIONS)
def test_body_limit_and_retry_after_are_declared_on_every_door(spec, method, path):
    responses = spec["paths"][path][method]["responses"]
    assert "413" in responses
    for status in ("429", "503"):
        assert "Retry-After" in responses[status]["headers"]


def test_glossary_writes_take_served_pairs_and_reads_any_known_language(spec):
    schemas = spec["components"]["schemas"]
    for name in ("DeepLGlossaryCreate", "DictionaryEntries"):
        properties = schemas[name]["properties"]
        assert re.fullmatch(properties["target_lang"]["pattern"], "ko")
        assert not re.fullmatch(properties["target_lang"]["pattern"], "DE")
    entries = spec["paths"]["/v3/glossaries/{glossary_id}/entries"]["get"]["parameters"]
    target = next(p for p in entries if p["name"] == "target_lang")
    assert re.fullmatch(target["schema"]["pattern"], "DE")


def test_glossary_names_and_model_type_are_documented(spec):
    schemas = spec["components"]["schemas"]
    name = schemas["DeepLGlossaryCreate"]["properties"]["name"]
    assert (name["minLength"], name["maxLength"]) == (1, 1024)
    assert re.fullmatch(name["pattern"], "tool-name: project 1234 <uuid>")
    assert not re.fullmatch(name["pattern"], "tab\there")
    assert schemas["DeepLTranslate"]["properties"]["model_type"]["enum"] == [
        "quality_optimized", "prefer_quality_optimized", "latency_optimized"]
    assert "model_type_used" in schemas["DeepLTextResult"]["properties"]
    assert {"document_count", "document_limit"} <= set(schemas["DeepLUsage"]["required"])
    assert "display_name" in schemas["GlossarySummary"]["properties"]
