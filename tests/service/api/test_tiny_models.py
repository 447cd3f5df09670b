"""The app end to end on the tiny random-weight models (real engines; output is gibberish by design)."""
from __future__ import annotations

import pytest

from service.api.app import create_app
from service.api.schemas import BriefSchema
from service.api.serving import preload_worker_models
from tests.service.api.helpers import ARTICLE

pytestmark = pytest.mark.slow


@pytest.fixture
def tiny_client(tiny_settings):
    app = create_app(tiny_settings)
    app.config["TESTING"] = True
    return app


def test_readyz_turns_ready_after_the_worker_preload(tiny_client):
    client = tiny_client.test_client()
    assert client.get("/readyz").status_code == 503
    preload_worker_models(tiny_client)
    assert client.get("/readyz").status_code == 200
    models = {m["key"]: m for m in client.get("/v1/models").get_json()["models"]}
    assert models["en-ja"]["loaded"]
    assert models["en-ja"]["load_ms"] is not None
    assert "briefs_model_load_seconds" in client.get("/metrics").get_data(as_text=True)


def test_brief_and_translate_on_tiny_models(tiny_client):
    client = tiny_client.test_client()
    brief = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 2}).get_json()
    assert BriefSchema().validate(brief) == {}
    assert brief["meta"]["warnings"][0]["code"] == "tiny-models"
    assert all(set(s["translations"]) == {"ja", "ko"} for s in brief["segments"])
    assert brief["meta"]["models"]["en-ja"]["tiny"] is True
    translated = client.post("/v1/translate", json={"segments": ["Rain fell in Seoul."], "target_langs": ["ko"]})
    assert translated.status_code == 200
    assert list(translated.get_json()["segments"][0]["translations"]) == ["ko"]


def test_the_tiny_models_output_is_marked_for_review_everywhere(tiny_client):
    client = tiny_client.test_client()
    brief = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 2, "store": True}).get_json()
    assert all(q["needs_review"] for s in brief["segments"] for q in s["quality"].values())
    assert brief["meta"]["quality"]["needs_review"] == len(brief["segments"])
    stored = client.get(f"/v1/briefs/{brief['id']}").get_json()
    assert stored["segments"] == brief["segments"]
    translated = client.post("/v1/translate", json={"segments": ["Rain fell in Seoul."], "target_langs": ["ko"]})
    assert translated.get_json()["segments"][0]["quality"]["ko"]["needs_review"]
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'briefs_segments_needing_review_total{lang="ko"}' in metrics
