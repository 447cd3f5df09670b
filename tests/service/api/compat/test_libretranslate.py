"""LibreTranslate door on the tagging fake: shapes for strings, lists, auto and files."""
from __future__ import annotations

import io

TEXT = "Officials met in Tokyo on Monday to discuss trade and security."


def test_string_q_answers_a_string_without_detection(client):
    body = client.post("/translate", json={"q": "Harbor", "source": "en", "target": "ko"}).get_json()
    assert body == {"translatedText": "<ko> Harbor"}


def test_list_q_answers_a_list(client):
    body = client.post("/translate", json={"q": ["One.", "Two."], "source": "en", "target": "ja"}).get_json()
    assert body == {"translatedText": ["<ja> One.", "<ja> Two."]}


def test_auto_with_a_list_reports_one_detection_per_text(client):
    body = client.post("/translate", json={"q": [TEXT, "Harbor"], "source": "auto", "target": "ja"}).get_json()
    assert [d["language"] for d in body["detectedLanguage"]] == ["en", "en"]


def test_alternatives_asked_are_empty(client):
    body = client.post("/translate", json={"q": "Harbor", "source": "en", "target": "ko", "alternatives": 2})
    assert body.get_json()["alternatives"] == []


def test_form_body(client):
    body = client.post("/translate", data={"q": "Harbor", "source": "en", "target": "ko"}).get_json()
    assert body == {"translatedText": "<ko> Harbor"}


def test_html_format_keeps_tags(client):
    body = client.post("/translate", json={"q": "<p>Harbor</p>", "source": "en", "target": "ko", "format": "html"})
    assert body.get_json() == {"translatedText": "<p>&lt;ko&gt; Harbor</p>"}


def test_detect_shape(client):
    detections = client.post("/detect", data={"q": TEXT}).get_json()
    assert detections[0]["language"] == "en"
    assert set(detections[0]) == {"language", "confidence"}


def test_translate_html_file_and_download(client):
    form = {"source": "en", "target": "ja", "file": (io.BytesIO(b"<p>Harbor</p>"), "page.html")}
    url = client.post("/translate_file", data=form, content_type="multipart/form-data").get_json()["translatedFileUrl"]
    download = client.get(url)
    assert download.status_code == 200
    assert download.mimetype == "text/html"
    assert download.get_data(as_text=True) == "<p>&lt;ja&gt; Harbor</p>"


def test_languages_and_frontend_settings_need_no_key(make_app):
    client = make_app(http={"api_keys_required": True}).test_client()
    assert client.get("/languages").status_code == 200
    assert client.get("/frontend/settings").status_code == 200
    assert client.post("/translate", json={"q": "x", "source": "en", "target": "ja"}).status_code == 403


def test_browsers_may_call_the_door_and_preflight_needs_no_key(make_app):
    client = make_app(http={"api_keys_required": True}).test_client()
    preflight = client.options("/translate", headers={"Origin": "https://example.org",
                                                      "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    denied = client.post("/translate", json={"q": "x", "source": "en", "target": "ja"})
    assert denied.status_code == 403
    assert denied.headers["Access-Control-Allow-Origin"] == "*"
