"""Full-document translation on the compatibility doors skips non-content lines (end marks, rules,
navigation, labels, metadata, bylines, credits) as briefs do: they come back as they were, untranslated,
in place. The doors call the shared segmenter; nothing here is door code."""
from __future__ import annotations

import io
import time

DOCUMENT = (
    "Share this page: Facebook Twitter\n"
    "\n"
    "Ports Reopen After Typhoon\n"
    "\n"
    "By Jane Doe, Associated Press\n"
    "TOKYO (AP) — The ports reopened on Monday. Ferries ran again.\n"
    "(Photo: Ministry of Land)\n"
    "\n"
    "* * *\n"
    "Source: Ministry of Land\n"
    "###\n"
)
EXPECTED = (
    "Share this page: Facebook Twitter\n"
    "\n"
    "<ja> Ports Reopen After Typhoon\n"
    "\n"
    "By Jane Doe, Associated Press\n"
    "<ja> TOKYO (AP) — The ports reopened on Monday. <ja> Ferries ran again.\n"
    "(Photo: Ministry of Land)\n"
    "\n"
    "* * *\n"
    "Source: Ministry of Land\n"
    "###\n"
)
WAIT_S = 30


def test_libretranslate_file_translation_leaves_non_content_lines_as_they_were(client):
    form = {"source": "en", "target": "ja", "file": (io.BytesIO(DOCUMENT.encode()), "release.txt")}
    url = client.post("/translate_file", data=form, content_type="multipart/form-data").get_json()["translatedFileUrl"]
    assert client.get(url).get_data(as_text=True) == EXPECTED


def test_deepl_document_translation_leaves_non_content_lines_as_they_were(client):
    form = {"target_lang": "JA", "source_lang": "EN", "file": (io.BytesIO(DOCUMENT.encode()), "release.txt")}
    handle = client.post("/v2/document", data=form, content_type="multipart/form-data").get_json()
    deadline = time.monotonic() + WAIT_S
    while client.post(f"/v2/document/{handle['document_id']}",
                      json={"document_key": handle["document_key"]}).get_json()["status"] != "done":
        assert time.monotonic() < deadline, "the document was not translated in time"
        time.sleep(0.02)
    result = client.post(f"/v2/document/{handle['document_id']}/result", json={"document_key": handle["document_key"]})
    assert result.get_data(as_text=True) == EXPECTED


def test_deepl_text_translation_passes_a_footer_through(client):
    body = {"text": ["Ferries ran again.\n\n###"], "target_lang": "JA", "source_lang": "EN"}
    translated = client.post("/v2/translate", json=body).get_json()
    assert translated["translations"][0]["text"] == "<ja> Ferries ran again.\n\n###"
    # split_sentences=0 sends the text whole: nothing is read as a line of its own.
    whole = client.post("/v2/translate", json={"text": ["###"], "target_lang": "JA", "source_lang": "EN",
                                               "split_sentences": "0"})
    assert whole.get_json()["translations"][0]["text"] == "<ja> ###"
