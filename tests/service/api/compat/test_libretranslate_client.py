"""The `libretranslatepy` client (pinned in requirements-dev.txt) against the live app on the tiny models."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from libretranslatepy import LibreTranslateAPI

from tests.service.api.compat.helpers import LiveServer

TEXT = "Officials met in Tokyo on Monday to discuss trade and security."


@pytest.fixture(scope="module")
def libre(live_server: LiveServer) -> LibreTranslateAPI:
    return LibreTranslateAPI(live_server.url, api_key=live_server.key)


def post(url: str, fields: dict, timeout: float = 60) -> tuple[int, object]:
    data = urllib.parse.urlencode(fields, doseq=True).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.parametrize("target", ["ja", "ko"])
def test_translate_text(libre, target):
    out = libre.translate(TEXT, "en", target)
    assert isinstance(out, str)
    assert out.strip()
    assert out != TEXT


def test_translate_html_text_through_the_client(libre):
    # libretranslatepy sends no format: the markup is text to LibreTranslate too; it must still answer.
    out = libre.translate("<p>Officials met in Tokyo.</p>", "en", "ja")
    assert isinstance(out, str)
    assert out.strip()


def test_translate_html_format_keeps_the_tags(live_server):
    status, body = post(f"{live_server.url}/translate", {
        "q": '<p class="x">Officials met in <b>Tokyo</b>.</p>', "source": "en", "target": "ja",
        "format": "html", "api_key": live_server.key})
    assert status == 200, body
    text = body["translatedText"]
    assert text.startswith('<p class="x">')
    assert "<b>" in text
    assert text.endswith("</p>")


def test_auto_source_reports_the_detected_language(live_server):
    status, body = post(f"{live_server.url}/translate", {"q": TEXT, "source": "auto", "target": "ko",
                                                          "api_key": live_server.key})
    assert status == 200, body
    assert set(body) == {"translatedText", "detectedLanguage"}
    assert body["detectedLanguage"]["language"] == "en"
    assert 0 < body["detectedLanguage"]["confidence"] <= 100


def test_detect(libre):
    detections = libre.detect(TEXT)
    assert detections[0]["language"] == "en"
    assert 0 < detections[0]["confidence"] <= 100


def test_detect_reports_unsupported_languages(libre):
    assert libre.detect("Les responsables se sont réunis lundi à Tokyo pour parler du commerce.")[0][
        "language"] == "unsupported"


def test_languages(libre):
    languages = {lang["code"]: lang for lang in libre.languages()}
    assert languages["en"]["targets"] == ["ja", "ko"]
    assert languages["en"]["name"] == "English"
    assert {"ja", "ko"} <= set(languages)


@pytest.mark.parametrize(("fields", "status"), [
    ({"q": TEXT, "source": "en", "target": "de"}, 400),
    ({"q": TEXT, "source": "en"}, 400),
    ({"q": TEXT, "source": "en", "target": "ja", "format": "pdf"}, 400),
])
def test_bad_requests_answer_an_error_field(live_server, fields, status):
    got, body = post(f"{live_server.url}/translate", {**fields, "api_key": live_server.key})
    assert got == status
    assert set(body) == {"error"}
    assert body["error"]


@pytest.mark.parametrize("key", [None, "bk_00000000.not-a-key"])
def test_bad_or_missing_key_is_403(live_server, key):
    client = LibreTranslateAPI(live_server.url, api_key=key)
    with pytest.raises(urllib.error.HTTPError) as caught:
        client.translate(TEXT, "en", "ja")
    assert caught.value.code == 403
    assert set(json.loads(caught.value.read())) == {"error"}


def test_translate_file_txt(live_server):
    import requests

    files = {"file": ("brief.txt", f"{TEXT}\n\nSecond line.\n".encode())}
    response = requests.post(f"{live_server.url}/translate_file", files=files,
                             data={"source": "en", "target": "ja", "api_key": live_server.key}, timeout=60)
    assert response.status_code == 200, response.text
    url = response.json()["translatedFileUrl"]
    assert url.startswith(live_server.url + "/download_file/")
    assert url.endswith("/brief.txt")
    assert requests.get(url, timeout=30).status_code == 403  # keys are required here: the link alone is not enough
    download = requests.get(url, headers={"Authorization": f"Bearer {live_server.key}"}, timeout=30)
    assert download.status_code == 200
    assert download.text.count("\n") == 3


def test_frontend_settings(live_server):
    with urllib.request.urlopen(f"{live_server.url}/frontend/settings", timeout=30) as response:
        settings = json.loads(response.read())
    assert settings["keyRequired"] is True
    assert ".docx" in settings["supportedFilesFormat"]
    assert settings["language"]["source"]["code"] == "en"
