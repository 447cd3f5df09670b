"""Keys never travel in URLs: refused with a clear 400, and redacted from gunicorn's access log."""
from __future__ import annotations

import datetime
import logging
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from service.api.url_keys import RedactingLogger, redact_query
from service.storage.keys import KeyStore
from tests.service.api.helpers import assert_problem

SECRET = "s3cr3t-key-value"


@pytest.mark.parametrize("query", [f"api_key={SECRET}", f"auth_key={SECRET}", f"format=json&API_KEY={SECRET}"])
@pytest.mark.parametrize("path", ["/v1/briefs", "/v1/translate", "/v2/translate", "/translate", "/v1/glossaries"])
def test_a_key_in_the_url_is_refused_and_the_error_says_use_the_header(client, path, query):
    response = client.post(f"{path}?{query}", json={"text": "Hello there. Bye now."})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Authorization" in text
    assert SECRET not in text
    if path.startswith("/v1/"):
        assert_problem(response, 400, "key-in-url")


def test_keys_in_form_bodies_still_work_on_the_compatibility_doors(make_app):
    app = make_app(http={"api_keys_required": True})
    _, secret = KeyStore(app.extensions["briefs"].settings.store_path).create("libre")
    client = app.test_client()
    response = client.post("/translate", data={"q": "Hello there.", "source": "en", "target": "ja", "api_key": secret})
    assert response.status_code == 200, response.data
    assert client.post("/translate", data={"q": "Hello there.", "source": "en", "target": "ja"}).status_code in (
        400, 401, 403)


@pytest.mark.parametrize(("line", "expected"), [
    ("POST /v1/briefs?api_key=abc&format=json HTTP/1.1", "POST /v1/briefs?api_key=[redacted]&format=json HTTP/1.1"),
    ("auth_key=abc", "auth_key=[redacted]"),
    ("/x?a=1&Auth_Key=abc#frag", "/x?a=1&Auth_Key=[redacted]#frag"),
    ("/x?monkey=1&turkey=2", "/x?monkey=1&turkey=2"),
])
def test_redact_query(line, expected):
    assert redact_query(line) == expected


def test_the_access_log_never_shows_a_key_or_the_authorization_header(caplog):
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", '%(h)s %(u)s "%(r)s" %(q)s %(s)s "%(f)s" %({authorization}i)s '
                                 '%({http_authorization}e)s %({raw_uri}e)s')
    logger = RedactingLogger(cfg)
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": f"/v1/briefs?api_key={SECRET}", "SERVER_PROTOCOL": "HTTP/1.1",
               "QUERY_STRING": f"api_key={SECRET}", "HTTP_REFERER": f"https://desk.example/?auth_key={SECRET}",
               "HTTP_AUTHORIZATION": f"Bearer {SECRET}", "REMOTE_ADDR": "127.0.0.1"}
    request = SimpleNamespace(headers=[("AUTHORIZATION", f"Bearer {SECRET}")])
    response = SimpleNamespace(status="400 BAD REQUEST", sent=10, headers=[])
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.access_log.addHandler(handler)
    logger.access(response, request, environ, datetime.timedelta(milliseconds=5))
    line = records[-1].getMessage()
    assert SECRET not in line
    assert "[redacted]" in line
    assert "/v1/briefs" in line
