"""The official `deepl` client (pinned in requirements-dev.txt) against the live app on the tiny models."""
from __future__ import annotations

import io

import deepl
import docx
import pytest

from tests.service.api.compat.helpers import LiveServer

# DeepL's client retries 429/5xx with backoff; a test that expects one must not wait for it.
pytestmark = pytest.mark.usefixtures("no_client_retries")

TEXT = "Officials met in Tokyo on Monday. They discussed trade and security."
OTHER = "The talks will continue next month in Seoul."


@pytest.fixture
def no_client_retries(monkeypatch):
    monkeypatch.setattr(deepl.http_client, "max_network_retries", 0)


@pytest.fixture(scope="module", params=["Translator", "DeepLClient"])
def translator(request, live_server: LiveServer):
    client_class = getattr(deepl, request.param, None)
    if client_class is None:
        pytest.skip(f"deepl {deepl.__version__} has no {request.param}")
    client = client_class(live_server.key, server_url=live_server.url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def plain_translator(live_server: LiveServer):
    """deepl.Translator only: its document polling sleeps 5 s, so documents run once, not per client class."""
    client = deepl.Translator(live_server.key, server_url=live_server.url)
    yield client
    client.close()


@pytest.mark.parametrize("target", ["JA", "KO"])
@pytest.mark.parametrize("source", [None, "EN"])
def test_translate_one_text(translator, source, target):
    result = translator.translate_text(TEXT, source_lang=source, target_lang=target)
    assert isinstance(result, deepl.TextResult)
    assert result.text.strip()
    assert result.text != TEXT
    assert result.detected_source_lang == "EN"
    assert result.billed_characters == len(TEXT)


def test_translate_a_list_keeps_order_and_count(translator):
    results = translator.translate_text([TEXT, OTHER, "Seoul"], source_lang="EN", target_lang="KO")
    assert [r.billed_characters for r in results] == [len(TEXT), len(OTHER), len("Seoul")]
    assert all(r.text.strip() for r in results)


def test_tag_handling_html_keeps_the_tags(translator):
    html = '<p class="lead">Officials met in <b>Tokyo</b> on Monday.</p><span translate="no">Acme Corp</span>'
    result = translator.translate_text(html, source_lang="EN", target_lang="JA", tag_handling="html")
    text = result.text
    assert text.startswith('<p class="lead">')
    assert "<b>" in text
    assert "</b>" in text
    assert text.endswith('</p><span translate="no">Acme Corp</span>')


def test_ignore_tags_are_not_translated(translator):
    xml = "<doc><t>Officials met on Monday.</t><x>Officials met on Monday.</x></doc>"
    result = translator.translate_text(xml, source_lang="EN", target_lang="JA", tag_handling="xml",
                                       ignore_tags=["x"])
    assert "<x>Officials met on Monday.</x>" in result.text
    assert "<t>Officials met on Monday.</t>" not in result.text


def test_glossary_lifecycle_and_rendering(translator, live_server):
    glossary = translator.create_glossary("compat desk", "EN", "JA", {"Kihara": "木原", "Hayashi": "林"})
    assert glossary.ready
    assert glossary.entry_count == 2
    assert (glossary.source_lang, glossary.target_lang) == ("EN", "JA")
    assert glossary.glossary_id in [g.glossary_id for g in translator.list_glossaries()]
    assert translator.get_glossary(glossary.glossary_id).name == glossary.name
    assert translator.get_glossary_entries(glossary) == {"Kihara": "木原", "Hayashi": "林"}
    result = translator.translate_text("Kihara met reporters on Monday.", source_lang="EN", target_lang="JA",
                                       glossary=glossary)
    assert "木原" in result.text
    # One store: the same glossary under /v1 by its id.
    import urllib.request

    request = urllib.request.Request(f"{live_server.url}/v1/glossaries/{glossary.glossary_id}",
                                     headers={"Authorization": f"Bearer {live_server.key}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
    translator.delete_glossary(glossary)
    with pytest.raises(deepl.GlossaryNotFoundException):
        translator.get_glossary(glossary.glossary_id)


def test_glossary_languages(translator):
    pairs = {(p.source_lang.upper(), p.target_lang.upper()) for p in translator.get_glossary_languages()}
    assert {("EN", "JA"), ("EN", "KO")} <= pairs


def test_multilingual_glossaries(live_server):
    client = getattr(deepl, "DeepLClient", None)
    if client is None or not hasattr(client, "create_multilingual_glossary"):
        pytest.skip("this deepl version has no multilingual glossaries")
    client = client(live_server.key, server_url=live_server.url)
    from deepl.api_data import MultilingualGlossaryDictionaryEntries as entries
    glossary = client.create_multilingual_glossary(
        "compat multi", [entries("EN", "JA", {"Kihara": "木原"}), entries("EN", "KO", {"Kihara": "기하라"})])
    assert {(d.source_lang, d.target_lang, d.entry_count) for d in glossary.dictionaries} == {
        ("EN", "JA", 1), ("EN", "KO", 1)}
    assert glossary.glossary_id in [g.glossary_id for g in client.list_multilingual_glossaries()]
    assert client.get_multilingual_glossary(glossary.glossary_id).name == "compat multi"
    got = client.get_multilingual_glossary_entries(glossary, "EN", "KO")
    assert got.dictionaries[0].entries == "Kihara\t기하라"
    updated = client.update_multilingual_glossary_dictionary(glossary, entries("EN", "JA", {"Hayashi": "林"}))
    assert {d.target_lang: d.entry_count for d in updated.dictionaries} == {"JA": 2, "KO": 1}
    replaced = client.replace_multilingual_glossary_dictionary(glossary, entries("EN", "KO", {"Hayashi": "하야시"}))
    assert (replaced.target_lang, replaced.entry_count) == ("KO", 1)
    result = client.translate_text("Kihara met Hayashi.", source_lang="EN", target_lang="JA", glossary=glossary)
    assert "木原" in result.text
    assert "林" in result.text
    client.delete_multilingual_glossary_dictionary(glossary, source_lang="EN", target_lang="KO")
    assert [d.target_lang for d in client.get_multilingual_glossary(glossary.glossary_id).dictionaries] == ["JA"]
    client.delete_multilingual_glossary(glossary)
    with pytest.raises(deepl.GlossaryNotFoundException):
        client.get_multilingual_glossary(glossary.glossary_id)


def test_usage_counts_characters(translator):
    before = translator.get_usage().character.count
    translator.translate_text("Seoul", source_lang="EN", target_lang="KO")
    usage = translator.get_usage()
    assert usage.character.valid
    assert usage.character.count == before + len("Seoul")
    assert not usage.any_limit_reached


def test_languages(translator):
    assert [lang.code for lang in translator.get_source_languages()] == ["EN"]
    targets = translator.get_target_languages()
    assert {lang.code for lang in targets} == {"JA", "KO"}
    assert all(lang.supports_formality is False for lang in targets)


def test_translate_document_txt(plain_translator, tmp_path):
    source = tmp_path / "brief.txt"
    source.write_text(f"{TEXT}\n\n{OTHER}\n", encoding="utf-8")
    output = tmp_path / "brief.ja.txt"
    status = plain_translator.translate_document_from_filepath(source, output, source_lang="EN", target_lang="JA")
    assert status.done
    assert status.billed_characters == len(TEXT) + len(OTHER)
    lines = output.read_text(encoding="utf-8").split("\n")
    assert len(lines) == 4
    assert lines[1] == ""
    assert lines[0].strip()
    assert lines[2].strip()


def test_translate_document_docx(plain_translator):
    document = docx.Document()
    document.add_heading("Talks in Tokyo", level=1)
    document.add_paragraph(TEXT)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = OTHER
    upload, result = io.BytesIO(), io.BytesIO()
    document.save(upload)
    upload.seek(0)
    upload.name = "brief.docx"  # requests names the multipart file after the stream
    status = plain_translator.translate_document(upload, result, target_lang="KO")
    assert status.done
    translated = docx.Document(io.BytesIO(result.getvalue()))
    assert [p.style.name for p in translated.paragraphs] == ["Heading 1", "Normal"]
    assert translated.paragraphs[1].text
    assert translated.paragraphs[1].text != TEXT
    assert translated.tables[0].cell(0, 0).text not in ("", OTHER)


def test_bad_key_raises_authorization(live_server):
    client = deepl.Translator("bk_00000000.not-a-key", server_url=live_server.url)
    with pytest.raises(deepl.AuthorizationException):
        client.translate_text(TEXT, target_lang="JA")


def test_revoked_key_raises_authorization(live_server):
    client = deepl.Translator(live_server.revoked_key, server_url=live_server.url)
    with pytest.raises(deepl.AuthorizationException):
        client.get_usage()


def test_exhausted_quota_raises_quota_exceeded(live_server):
    from tests.service.api.compat.helpers import QUOTA_CHARS

    client = deepl.Translator(live_server.small_key, server_url=live_server.url)
    assert client.get_usage().character.limit == QUOTA_CHARS
    with pytest.raises(deepl.QuotaExceededException):
        client.translate_text("x" * (QUOTA_CHARS + 1), source_lang="EN", target_lang="JA")


@pytest.mark.parametrize("kwargs", [
    {"target_lang": "DE"},
    {"source_lang": "FR", "target_lang": "JA"},
    {"source_lang": "EN", "target_lang": "JA", "formality": "more"},
])
def test_unsupported_language_raises_deepl_exception(translator, kwargs):
    with pytest.raises(deepl.DeepLException) as caught:
        translator.translate_text(TEXT, **kwargs)
    assert caught.value.http_status_code == 400


def test_glossaries_from_csv_and_rename(live_server):
    client = deepl.DeepLClient(live_server.key, server_url=live_server.url)
    single = client.create_glossary_from_csv("compat csv", "EN", "KO", 'Kihara,기하라\n"Hayashi, Y.",하야시')
    assert single.entry_count == 2
    assert client.get_glossary_entries(single)["Hayashi, Y."] == "하야시"
    multi = client.create_multilingual_glossary_from_csv("compat multi csv", "EN", "JA", "Kihara,木原")
    assert [(d.target_lang, d.entry_count) for d in multi.dictionaries] == [("JA", 1)]
    renamed = client.update_multilingual_glossary_name(multi, "renamed: desk")
    assert renamed.name == "renamed: desk"
    assert client.get_multilingual_glossary(multi.glossary_id).name == "renamed: desk"
    for glossary in (single, multi):
        client.delete_multilingual_glossary(glossary.glossary_id)
