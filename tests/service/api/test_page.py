"""The reviewer page as served: one public HTML page at / and /briefs/{id}, local assets only, the limits and
language names it needs, scripts that keep the key in sessionStorage and put text in as text only.
What the page does in a browser is tested in tests/service/api/desk/."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html

from service.storage.keys import KeyStore

STATIC = Path(__file__).resolve().parents[3] / "service" / "api" / "static" / "desk"
SCRIPTS = sorted(STATIC.glob("*.js"))


@pytest.mark.parametrize("path", ["/", "/briefs/0123456789abcdef0123456789abcdef", "/briefs/not-one"])
def test_the_page_and_its_permalinks_are_one_form_with_only_local_assets(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    doc = html.fromstring(response.get_data(as_text=True))
    assert doc.get_element_by_id("brief-form") is not None
    assets = [a for e in doc.iter("script", "link") if not (a := e.get("src") or e.get("href")).startswith("data:")]
    assert assets
    assert all(a.startswith("/desk/static/") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200
    assert [i.get("value") for i in doc.xpath("//input[@name='target_langs']")] == ["ja", "ko"]
    body = doc.xpath("//body")[0]
    assert body.get("data-max-chars") == "100000"
    assert json.loads(body.get("data-names")) == {"en": "English", "ja": "日本語", "ko": "한국어"}
    assert not doc.xpath("//textarea[@maxlength]"), "an over-long paste is refused, never cut"


def test_every_module_the_page_imports_is_served(client):
    for script in SCRIPTS:
        assert client.get(f"/desk/static/{script.name}").status_code == 200
        for imported in re.findall(r'from "\./([\w.]+)"', script.read_text()):
            assert (STATIC / imported).exists(), f"{script.name} imports {imported}"


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_scripts_put_text_in_as_text_and_keep_the_key_in_session_storage(script):
    source = script.read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "localStorage", "document.cookie"):
        assert sink not in source, f"{script.name} uses {sink}"
    assert not re.search(r"https?://", source), "no external requests"


def test_the_key_lives_in_session_storage():
    assert "sessionStorage" in (STATIC / "api.js").read_text()


def test_the_old_view_fragment_redirects_to_the_permalink(client):
    response = client.get("/v1/briefs/abc123/view")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/briefs/abc123")


@pytest.fixture
def keyed(make_app):
    app = make_app(http={"api_keys_required": True, "rate_limit": "100/minute"})
    return app.test_client(), KeyStore(app.extensions["briefs"].settings.store_path)


def test_with_keys_on_the_page_is_public_and_says_so_but_every_api_call_needs_a_key(keyed):
    client, keys = keyed
    page = html.fromstring(client.get("/briefs/abc").get_data(as_text=True))
    assert page.xpath("//body")[0].get("data-keys-required") == "true"
    assert client.get("/desk/static/main.js").status_code == 200
    assert client.get("/v1/briefs").status_code == 401
    _, secret = keys.create("reviewer")
    assert client.get("/v1/briefs", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
