"""LibreTranslate's door as its clients meet it: `libretranslatepy`, or plain HTTP where it cannot say it."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
import requests
from libretranslatepy import LibreTranslateAPI

from tests.service.api.compat.helpers import LiveServer


@pytest.fixture(scope="module")
def libre(live_server: LiveServer) -> LibreTranslateAPI:
    return LibreTranslateAPI(live_server.url, api_key=live_server.key)


def _error(caught: pytest.ExceptionInfo[urllib.error.HTTPError]) -> str:
    body = json.loads(caught.value.read())
    assert set(body) == {"error"}
    return body["error"]


def test_an_empty_q_is_400_as_libretranslate_answers(libre):
    with pytest.raises(urllib.error.HTTPError) as caught:
        libre.translate("", "en", "ja")
    assert caught.value.code == 400
    assert _error(caught) == "Invalid request: missing q parameter"


def test_an_empty_q_to_detect_is_400_too(libre):
    with pytest.raises(urllib.error.HTTPError) as caught:
        libre.detect("")
    assert caught.value.code == 400
    assert _error(caught) == "Invalid request: missing q parameter"


@pytest.mark.parametrize("text", ["Hello", "proton beam", "Test"])
def test_short_texts_with_auto_translate_from_the_served_source(libre, live_server, text):
    assert libre.translate(text, "auto", "ja").strip()
    response = requests.post(f"{live_server.url}/translate", timeout=60, data={
        "q": text, "source": "auto", "target": "ja", "api_key": live_server.key})
    assert response.status_code == 200, response.text
    assert response.json()["detectedLanguage"]["language"] == "en"


def test_text_confidently_in_another_language_is_refused_in_libretranslates_words(live_server):
    french = "Les responsables se sont réunis lundi à Tokyo pour parler du commerce et de la sécurité."
    response = requests.post(f"{live_server.url}/translate", timeout=60, data={
        "q": french, "source": "auto", "target": "ja", "api_key": live_server.key})
    assert response.status_code == 400
    assert response.json() == {"error": "fr is not supported"}


@pytest.mark.parametrize("name", ["notes.pdf", "slides.pptx", "noextension"])
def test_an_unsupported_file_type_answers_an_error_field(live_server, name):
    response = requests.post(f"{live_server.url}/translate_file", timeout=60,
                             files={"file": (name, b"%PDF-1.4 not ours")},
                             data={"source": "en", "target": "ja", "api_key": live_server.key})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"].startswith("Invalid request: file format not supported")


@pytest.mark.parametrize(("method", "path", "status"), [("GET", "/translate", 405), ("GET", "/detect", 405),
                                                        ("GET", "/download_file/x", 404)])
def test_wrong_methods_and_unknown_files_answer_an_error_field(live_server, method, path, status):
    response = requests.request(method, live_server.url + path, timeout=30,
                                headers={"Authorization": f"Bearer {live_server.key}"})
    assert response.status_code == status
    assert set(response.json()) == {"error"}
