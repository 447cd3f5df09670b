"""The calls real DeepL tools make most, through the pinned `deepl` client (plain HTTP where it cannot say it)."""
from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
import uuid

import deepl
import pytest
from deepl.api_data import MultilingualGlossaryDictionaryEntries as Dictionary

from tests.service.api.compat.helpers import LiveServer

pytestmark = pytest.mark.usefixtures("no_client_retries")

# 200 characters with ":" and "<>", as a CAT tool names its glossaries.
TOOL_NAME = ("cat-tool: project 1234 <" + str(uuid.UUID(int=7)) + "> ")
TOOL_NAME = (TOOL_NAME * 5)[:200]


@pytest.fixture
def no_client_retries(monkeypatch):
    monkeypatch.setattr(deepl.http_client, "max_network_retries", 0)


@pytest.fixture(scope="module")
def client(live_server: LiveServer):
    translator = deepl.DeepLClient(live_server.key, server_url=live_server.url)
    yield translator
    translator.close()


def http(live_server: LiveServer, method: str, path: str, body: dict | None = None,
         key: str | None = "default") -> tuple[int, dict, dict]:
    """A plain call (JSON body); the status, the JSON answer and the headers."""
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = f"DeepL-Auth-Key {live_server.key if key == 'default' else key}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(live_server.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw, status, got = response.read(), response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        raw, status, got = exc.read(), exc.code, dict(exc.headers)
    return status, (json.loads(raw) if raw else {}), got


# -- 1: short texts without a source ----------------------------------------------------------------

@pytest.mark.parametrize(("text", "tags"), [("Hello", None), ("proton beam", None), ("Test", None),
                                            ("<p>Test</p>", None), ("<p>Test</p>", "html")])
def test_one_and_two_word_texts_without_a_source_translate(client, text, tags):
    result = client.translate_text(text, target_lang="JA", tag_handling=tags)
    assert result.detected_source_lang == "EN"  # unsure among served sources: the served source
    assert result.text.strip()
    assert result.billed_characters == len(text)


def test_short_texts_in_a_list_translate_each(client):
    results = client.translate_text(["Hello", "Test", "Seoul"], target_lang="KO")
    assert [r.detected_source_lang for r in results] == ["EN", "EN", "EN"]


def test_text_confidently_in_a_language_not_served_is_refused_in_deepls_shape(client, live_server):
    french = "Les responsables se sont réunis lundi à Tokyo pour parler du commerce et de la sécurité."
    with pytest.raises(deepl.DeepLException) as caught:
        client.translate_text(french, target_lang="JA")
    assert caught.value.http_status_code == 400
    status, body, _ = http(live_server, "POST", "/v2/translate", {"text": [french], "target_lang": "JA"})
    assert (status, set(body)) == (400, {"message"})
    assert "FR" in body["message"]
    assert "source_lang" in body["message"]


# -- 2: glossary names ------------------------------------------------------------------------------

def _v1(live_server: LiveServer, glossary_id: str) -> dict:
    request = urllib.request.Request(f"{live_server.url}/v1/glossaries/{glossary_id}",
                                     headers={"Authorization": f"Bearer {live_server.key}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_a_200_character_name_with_colons_works_on_v2_and_is_visible_under_v1(client, live_server):
    glossary = client.create_glossary(TOOL_NAME, "EN", "JA", {"Kihara": "木原"})
    assert glossary.name == TOOL_NAME
    assert client.get_glossary(glossary.glossary_id).name == TOOL_NAME
    assert TOOL_NAME in [g.name for g in client.list_glossaries()]
    assert "木原" in client.translate_text("Kihara spoke.", source_lang="EN", target_lang="JA", glossary=glossary).text
    v1 = _v1(live_server, glossary.glossary_id)
    assert v1["display_name"] == TOOL_NAME
    assert v1["name"] == _v1(live_server, v1["name"])["name"]  # the store name is a key /v1 URLs take
    again = client.create_glossary(TOOL_NAME, "EN", "JA", {"Hayashi": "林"})  # DeepL allows a repeated name
    assert again.name == TOOL_NAME
    assert again.glossary_id != glossary.glossary_id
    for made in (glossary, again):
        client.delete_glossary(made)


def test_a_200_character_name_with_colons_works_on_v3(client, live_server):
    glossary = client.create_multilingual_glossary(TOOL_NAME, [Dictionary("EN", "KO", {"Kihara": "기하라"})])
    assert glossary.name == TOOL_NAME
    assert client.get_multilingual_glossary(glossary.glossary_id).name == TOOL_NAME
    assert _v1(live_server, glossary.glossary_id)["display_name"] == TOOL_NAME
    client.delete_multilingual_glossary(glossary)


@pytest.mark.parametrize("name", ["tab\tinside", "bell\x07", "x" * 1025, ""])
def test_names_deepl_would_not_take_sensibly_are_refused(live_server, name):
    status, body, _ = http(live_server, "POST", "/v2/glossaries", {
        "name": name, "source_lang": "EN", "target_lang": "JA", "entries": "a\tb", "entries_format": "tsv"})
    assert (status, set(body)) == (400, {"message"})


def test_ids_are_dashed_uuids_and_the_plain_form_still_works(client, live_server):
    glossary = client.create_glossary("ids", "EN", "JA", {"Kihara": "木原"})
    assert str(uuid.UUID(glossary.glossary_id)) == glossary.glossary_id
    plain = glossary.glossary_id.replace("-", "")
    assert client.get_glossary(plain).glossary_id == glossary.glossary_id
    status, body, _ = http(live_server, "POST", "/v2/translate", {
        "text": ["Kihara spoke."], "source_lang": "EN", "target_lang": "JA", "glossary_id": plain})
    assert status == 200
    assert "木原" in body["translations"][0]["text"]
    client.delete_glossary(plain)
    with pytest.raises(deepl.GlossaryNotFoundException):
        client.get_glossary(glossary.glossary_id)


# -- 3: glossary language pairs ---------------------------------------------------------------------

def test_a_pair_the_server_cannot_use_is_refused_on_v2(client):
    with pytest.raises(deepl.DeepLException) as caught:
        client.create_glossary("german", "EN", "DE", {"Kihara": "Kihara"})
    assert caught.value.http_status_code == 400
    assert "Unsupported glossary source and target language pair" in str(caught.value)
    assert "german" not in [g.name for g in client.list_glossaries()]


def test_a_pair_the_server_cannot_use_is_refused_on_v3_and_its_dictionaries(client):
    with pytest.raises(deepl.DeepLException) as caught:
        client.create_multilingual_glossary("german", [Dictionary("EN", "DE", {"Kihara": "Kihara"})])
    assert caught.value.http_status_code == 400
    glossary = client.create_multilingual_glossary("served", [Dictionary("EN", "JA", {"Kihara": "木原"})])
    for change in (client.update_multilingual_glossary_dictionary, client.replace_multilingual_glossary_dictionary):
        with pytest.raises(deepl.DeepLException) as caught:
            change(glossary, Dictionary("EN", "DE", {"Kihara": "Kihara"}))
        assert caught.value.http_status_code == 400
    assert [d.target_lang for d in client.get_multilingual_glossary(glossary.glossary_id).dictionaries] == ["JA"]
    client.delete_multilingual_glossary(glossary)


def test_every_listed_pair_can_carry_a_glossary(client):
    for pair in client.get_glossary_languages():
        made = client.create_glossary("pair", pair.source_lang, pair.target_lang, {"Kihara": "Kihara-x"})
        client.delete_glossary(made)


# -- 4: model_type ----------------------------------------------------------------------------------

@pytest.mark.parametrize("model_type", list(deepl.ModelType))
def test_model_type_is_answered_with_the_model_type_used(client, model_type):
    results = client.translate_text(["Officials met.", "Seoul"], source_lang="EN", target_lang="JA",
                                    model_type=model_type)
    assert [r.model_type_used for r in results] == ["latency_optimized"] * 2  # one classic model per pair


def test_without_model_type_none_is_answered_and_another_value_is_400(client, live_server):
    assert client.translate_text("Seoul", source_lang="EN", target_lang="KO").model_type_used is None
    status, body, _ = http(live_server, "POST", "/v2/translate", {
        "text": ["Seoul"], "source_lang": "EN", "target_lang": "KO", "model_type": "fastest"})
    assert (status, set(body)) == (400, {"message"})
    assert "model_type" in body["message"]


# -- 6: error shapes --------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/v2/no-such-route", 404), ("POST", "/v3/no/such/route", 404), ("GET", "/v2", 404),
    ("GET", "/v2/translate", 405), ("PUT", "/v3/glossaries", 405)])
def test_unknown_routes_and_methods_answer_in_deepls_shape(live_server, method, path, status):
    got, body, headers = http(live_server, method, path)
    assert (got, set(body)) == (status, {"message"})
    assert headers["Content-Type"].startswith("application/json")
    if status == 405:
        assert "POST" in headers["Allow"] or "GET" in headers["Allow"]


def test_a_refusal_before_any_route_answers_in_deepls_shape(live_server):
    got, body, _ = http(live_server, "GET", "/v2/no-such-route", key=None)  # keys are required here
    assert (got, set(body)) == (403, {"message"})


def test_the_client_reads_the_message_of_a_door_error(client):
    with pytest.raises(deepl.GlossaryNotFoundException) as caught:
        client.get_glossary(str(uuid.UUID(int=1)))
    assert "message:" in str(caught.value)


def test_formality_on_a_target_without_it_in_deepls_words(client):
    with pytest.raises(deepl.DeepLException) as caught:
        client.translate_text("Seoul", source_lang="EN", target_lang="JA", formality="more")
    assert "'formality' is not supported for given 'target_lang'." in str(caught.value)


@pytest.mark.parametrize("name", ["notes.pdf", "notes"])
def test_an_unsupported_document_says_invalid_file_data(client, name):
    upload = io.BytesIO(b"%PDF-1.4 not a document of ours")
    upload.name = name
    with pytest.raises(deepl.DeepLException) as caught:
        client.translate_document_upload(upload, target_lang="JA")
    assert caught.value.http_status_code == 400
    assert "Invalid file data" in str(caught.value)
    assert "file extension" in str(caught.value)


# -- 7: usage and documents -------------------------------------------------------------------------

def test_document_usage_is_valid_and_a_result_downloads_once(client, live_server, tmp_path):
    before = client.get_usage()
    assert before.character.valid
    assert before.document.valid
    assert not before.any_limit_reached
    source = tmp_path / "brief.txt"
    source.write_text("Officials met in Tokyo on Monday.\n", encoding="utf-8")
    with source.open("rb") as upload:
        handle = client.translate_document_upload(upload, source_lang="EN", target_lang="JA")
    assert client.get_usage().document.count == before.document.count + 1
    assert client.translate_document_wait_until_done(handle).done
    first = io.BytesIO()
    client.translate_document_download(handle, first)
    assert first.getvalue().strip()
    with pytest.raises(deepl.DeepLException) as caught:  # DeepL removes a document once downloaded
        client.translate_document_download(handle, io.BytesIO())
    assert caught.value.http_status_code == 404
    status, body, _ = http(live_server, "POST", f"/v2/document/{handle.document_id}",
                           {"document_key": handle.document_key})
    assert (status, set(body)) == (404, {"message"})
