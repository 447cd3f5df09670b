"""Every error status is problem+json with a stable type; internals never leak."""
from __future__ import annotations

import pytest

from service.errors import ModelMissingError
from tests.service.api.helpers import ARTICLE, assert_problem


def test_malformed_json_is_400(client):
    response = client.post("/v1/briefs", data="{not json", content_type="application/json")
    assert_problem(response, 400, "bad-request")


def test_unknown_route_is_404(client):
    assert_problem(client.get("/v1/nothing-here"), 404, "not-found")


def test_wrong_method_is_405_with_allow(client):
    response = client.put("/v1/briefs", json={})
    assert_problem(response, 405, "method-not-allowed")
    assert {"GET", "POST"} <= set(response.headers["Allow"].replace(" ", "").split(","))


def test_body_over_the_limit_is_413(make_app):
    client = make_app(http={"max_body_bytes": 100}).test_client()
    assert_problem(client.post("/v1/briefs", json={"text": ARTICLE * 3}), 413, "body-too-large")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "text/csv"])
def test_non_json_body_is_415(client, content_type):
    response = client.post("/v1/briefs", data="text=hello", content_type=content_type)
    assert_problem(response, 415, "unsupported-media-type")


def test_missing_model_is_503_naming_it(client, resources, monkeypatch):
    def missing(*args, **kwargs):
        raise ModelMissingError("model Helsinki-NLP/opus-tatoeba-en-ja for en-ja is not installed",
                                model="Helsinki-NLP/opus-tatoeba-en-ja")

    monkeypatch.setattr(resources.models, "summarizer", missing)
    body = assert_problem(client.post("/v1/briefs", json={"text": ARTICLE}), 503, "model-missing")
    assert "opus-tatoeba-en-ja" in body["detail"]


def test_unexpected_error_is_a_generic_500_without_internals(client, resources, monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internal" + " state /etc/passwd")  # split: source lines are logged

    monkeypatch.setattr(resources.models, "summarizer", boom)
    response = client.post("/v1/briefs", json={"text": ARTICLE})
    body = assert_problem(response, 500, "internal-error")
    assert "secret" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert "the failure was logged" in body["detail"]
    logged = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(logged) == 1  # once, with the frames that failed, without the message (it may quote articles)
    assert "in boom" in logged[0].getMessage()
    assert "RuntimeError" in logged[0].getMessage()
    assert "secret internal state" not in caplog.text


def test_article_text_is_not_logged_by_default(client, caplog):
    caplog.set_level("DEBUG")
    client.post("/v1/briefs", json={"text": "Zebra crossing drama unfolded. Nobody was hurt."})
    assert "Zebra crossing" not in caplog.text


def test_openapi_document_lists_every_endpoint_and_the_problem_schema(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/v1/briefs", "/v1/translate", "/v1/glossaries", "/v1/glossaries/{name}",
                 "/v1/glossaries/{name}/entries", "/v1/languages", "/v1/models", "/v1/usage",
                 "/healthz", "/readyz", "/metrics"):
        assert path in spec["paths"], path
    schemas = spec["components"]["schemas"]
    assert {"Brief", "BriefsRequest", "Problem", "TranslateRequest"} <= set(schemas)
    assert set(schemas["Brief"]["properties"]) == {"title", "segments", "entities", "meta"}


def test_docs_page_uses_local_assets_only(client):
    page = client.get("/docs").get_data(as_text=True)
    assert "/docs/assets/swagger-ui-bundle.js" in page
    assert "http://" not in page
    assert "https://" not in page
    asset = client.get("/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert len(asset.data) > 10_000
