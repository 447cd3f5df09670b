"""Languages, models, health, readiness and metrics."""
from __future__ import annotations

from service.api.schemas import LanguageSchema, ModelsSchema
from tests.service.api.helpers import ARTICLE, assert_problem


def test_languages_list_configured_pairs(client):
    body = client.get("/v1/languages").get_json()
    assert LanguageSchema(many=True).validate(body) == {}
    english = next(lang for lang in body if lang["code"] == "en")
    assert english == {"code": "en", "name": "English", "targets": ["ja", "ko"]}


def test_models_report_engine_licence_and_state(client):
    body = client.get("/v1/models").get_json()
    assert ModelsSchema().validate(body) == {}
    pair = next(m for m in body["models"] if m["key"] == "en-ja")
    assert pair["engine"] == "ctranslate2"
    assert pair["license"] == "Apache-2.0"
    assert pair["installed"] is True
    assert pair["loaded"] is True
    assert "path" not in pair


def test_healthz_is_alive(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_when_models_are_loaded(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert {m["pair"] for m in response.get_json()["models"]} == {"en-ja", "en-ko"}


def test_readyz_is_503_naming_the_pair_that_is_not_loaded(client, resources, monkeypatch):
    rows = resources.models.status()
    for row in rows:
        if row["key"] == "en-ko":
            row["loaded"] = False
    monkeypatch.setattr(resources.models, "status", lambda: rows)
    body = assert_problem(client.get("/readyz"), 503, "not-ready")
    assert "en-ko" in body["detail"]


def test_readyz_is_503_when_the_store_is_unreachable(client, resources, monkeypatch):
    def unreachable():
        raise OSError("disk gone")

    monkeypatch.setattr(resources.glossaries, "list_glossaries", unreachable)
    body = assert_problem(client.get("/readyz"), 503, "not-ready")
    assert "glossary store" in body["detail"]
    assert "disk gone" not in body["detail"]


def test_metrics_count_requests_stages_batches_and_errors(client):
    client.post("/v1/briefs", json={"text": ARTICLE})
    client.get("/v1/nothing")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert 'briefs_http_requests_total{method="POST",route="/v1/briefs",status="200"} 1.0' in text
    assert 'briefs_pipeline_stage_seconds_count{stage="translate"} 1.0' in text
    assert 'briefs_errors_total{type="not-found"} 1.0' in text
    assert "briefs_translation_batch_size_count" in text


def test_each_app_has_its_own_metrics(make_app):
    first, second = make_app().test_client(), make_app().test_client()
    first.get("/healthz")
    assert 'route="/healthz"' not in second.get("/metrics").get_data(as_text=True)
