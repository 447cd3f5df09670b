"""Output hygiene over HTTP: security headers on every response, no server paths in errors, /readyz names
missing vs corrupt models with the file, bidi controls and NUL removed from input with a warning."""
from __future__ import annotations

import shutil

import pytest

from service.api.app import create_app
from service.api.public_paths import public_detail
from service.errors import ModelCorruptError
from tests.helpers import make_settings
from tests.service.api.helpers import ARTICLE, assert_problem

REQUESTS = {
    "json-200": ("GET", "/v1/languages", None),
    "json-post-200": ("POST", "/v1/translate", {"segments": ["Hello there."]}),
    "problem-404": ("GET", "/v1/nothing", None),
    "problem-422": ("POST", "/v1/briefs", {"texts": []}),
    "problem-400": ("POST", "/v1/briefs", "not json"),
    "openapi": ("GET", "/openapi.json", None),
    "health": ("GET", "/healthz", None),
    "metrics": ("GET", "/metrics", None),
    "docs-page": ("GET", "/docs", None),
    "desk-page": ("GET", "/", None),
    "compat-deepl": ("POST", "/v2/translate", {"text": ["Hello there."], "target_lang": "JA"}),
}


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_every_response_carries_the_security_headers(client, name):
    method, path, body = REQUESTS[name]
    if isinstance(body, str):
        response = client.open(path, method=method, data=body, content_type="application/json")
    else:
        response = client.open(path, method=method, json=body)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    if response.mimetype == "text/html":
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp


def test_html_outside_the_docs_page_allows_no_inline_script(client):
    assert "unsafe-inline" not in client.get("/").headers["Content-Security-Policy"]


@pytest.mark.parametrize(("detail", "hidden", "kept"), [
    ("model m at /srv/briefs/var/models/en-ja is corrupt: model.bin is empty", "/srv/briefs", "model.bin"),
    ("cannot read /etc/briefs/keys.toml: permission denied", "/etc/briefs", "keys.toml"),
    (r"no such glossary file: C:\Users\desk\terms.tsv", "Users", "terms.tsv"),
    ("see /openapi.json and GET /v1/briefs/{id}", "", "/v1/briefs/{id}"),
])
def test_public_detail_cuts_server_paths(detail, hidden, kept):
    shown = public_detail(detail)
    assert kept in shown
    if hidden:
        assert hidden not in shown


def test_error_details_over_http_show_no_server_path(client, resources, monkeypatch):
    models_dir = resources.settings.models_dir.resolve()

    def corrupt(*_args, **_kwargs):
        raise ModelCorruptError(f"model x at {models_dir}/en-ja is corrupt: model.bin is empty", file="model.bin")

    monkeypatch.setattr(resources.models, "translator_for", corrupt)
    body = assert_problem(client.post("/v1/translate", json={"segments": ["Hi there."]}), 503, "model-corrupt")
    assert str(models_dir) not in body["detail"]
    assert "<models_dir>/en-ja" in body["detail"]


@pytest.mark.parametrize(("text", "count"), [
    ("Officials met in \u202eTokyo\u202c on Monday. They talked.", "2 bidirectional"),
    ("Officials met in Tokyo\x00 on Monday. They talked.", "1 NUL/control"),
    ("Officials \u2066met\u2069 in Tokyo\x00\x07. They talked.", "2 bidirectional control(s) and 2 NUL"),
])
def test_bidi_controls_and_nul_are_removed_from_briefs_with_a_warning(client, text, count):
    brief = client.post("/v1/briefs", json={"text": text, "sentences": 2}).get_json()
    english = " ".join(s["en"] for s in brief["segments"])
    assert not any(c in english for c in "\u202e\u202c\u2066\u2069\x00\x07")
    warnings = [w for w in brief["meta"]["warnings"] if w["code"] == "controls-removed"]
    assert len(warnings) == 1
    assert count in warnings[0]["message"]


def test_bidi_controls_in_segments_are_removed_with_a_warning_on_their_segment(client):
    brief = client.post("/v1/translate", json={"segments": ["Plain.", "Bad \u202eone."]}).get_json()
    assert brief["segments"][1]["en"] == "Bad one."
    assert [w["segment"] for w in brief["meta"]["warnings"] if w["code"] == "controls-removed"] == ["s2"]


def test_clean_input_has_no_controls_warning(client):
    brief = client.post("/v1/briefs", json={"text": ARTICLE}).get_json()
    assert not [w for w in brief["meta"]["warnings"] if w["code"] == "controls-removed"]


@pytest.mark.slow
def test_readyz_names_missing_and_corrupt_models_with_the_file(tiny_models_dir, tmp_path):
    models = tmp_path / "models"
    shutil.copytree(tiny_models_dir, models)
    settings = make_settings(tmp_path, models_dir=str(models))
    app = create_app(settings)
    manager = app.extensions["briefs"].models
    ja, ko = (manager.store.path(manager.spec_for("translation", pair)) for pair in ("en-ja", "en-ko"))
    (ja / "config.json").write_text("{not json", encoding="utf-8")
    shutil.rmtree(ko)
    response = app.test_client().get("/readyz")
    assert_problem(response, 503, "not-ready")
    body = response.get_json()
    states = {m["pair"]: m for m in body["models"]}
    assert states["en-ja"]["state"] == "corrupt"
    assert states["en-ja"]["file"] == "config.json"
    assert states["en-ko"]["state"] == "missing"
    assert "en-ja is corrupt (config.json)" in body["detail"]
    assert "en-ko is missing" in body["detail"]
    assert str(tmp_path) not in body["detail"]
