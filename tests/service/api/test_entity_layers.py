"""Entity layers on the /v1 doors: per-language fallback, the CLDR layer, short references, the detector."""
from __future__ import annotations

import pytest

from models.ner import load_spacy_ner
from service.api.app import create_app
from service.glossary.model import GlossaryEntry
from service.runtime.resources import Resources
from tests.fakes import FakeModelManager
from tests.helpers import make_settings
from tests.ner_sentences import PEOPLE, PLACES

TEXT = ("Foreign Minister Park Jin flew to Tokyo on Monday. He then visited Jakarta for talks. "
        "Foreign Minister Park said the talks went well.")


@pytest.fixture
def desk(resources):
    """A desk glossary with a Japanese rendering of Tokyo only."""
    return resources.glossaries.create("desk", [GlossaryEntry("Tokyo", {"ja": "トーキョー"}, type="place")])


def _entities(body: dict) -> dict[str, dict]:
    return {e["source"]: e for e in body["entities"]}


def _check_layers(entities: dict[str, dict], texts_ko: list[str]) -> None:
    tokyo = entities["Tokyo"]
    assert tokyo["renderings"] == {"ja": "トーキョー", "ko": "도쿄"}  # Korean passes on to default
    assert tokyo["rendered_by"] == {"ja": "desk", "ko": "default"}
    assert (tokyo["glossary"], tokyo["detector"]) == ("desk", "glossary")
    jakarta = entities["Jakarta"]
    assert (jakarta["resolution"], jakarta["detector"], jakarta["renderings"]) == (
        "cldr", "cldr", {"ja": "ジャカルタ", "ko": "자카르타"})
    park = entities["Park Jin"]
    assert park["short_renderings"] == {"ja": "朴", "ko": "박"}
    assert "Park" not in entities
    assert any("Foreign Minister 박 said" in text for text in texts_ko)


def test_briefs_door(client, desk) -> None:
    response = client.post("/v1/briefs", json={"text": TEXT, "glossaries": ["desk"], "sentences": 3})
    assert response.status_code == 200, response.data
    brief = response.get_json()["briefs"][0] if "briefs" in response.get_json() else response.get_json()
    _check_layers(_entities(brief), [s["translations"]["ko"] for s in brief["segments"]])
    assert "entities" in brief["meta"]["timings_ms"]
    assert brief["meta"]["models"]["entities"]["detector"] == "heuristic"


def test_translate_door(client, desk) -> None:
    segments = ["Foreign Minister Park Jin flew to Tokyo on Monday.", "He then visited Jakarta for talks.",
                "Foreign Minister Park said the talks went well."]
    response = client.post("/v1/translate", json={"segments": segments, "glossaries": ["desk"]})
    assert response.status_code == 200, response.data
    body = response.get_json()
    brief = body["briefs"][0] if "briefs" in body else body
    _check_layers(_entities(brief), [s["translations"]["ko"] for s in brief["segments"]])


def test_inline_entry_without_a_language_passes_it_on(client) -> None:
    inline = [{"source": "Tokyo", "renderings": {"ko": "토쿄"}, "type": "place"}]
    body = client.post("/v1/translate", json={"segments": ["They met in Tokyo."], "inline_glossary": inline}).get_json()
    tokyo = _entities(body["briefs"][0] if "briefs" in body else body)["Tokyo"]
    assert tokyo["renderings"] == {"ja": "東京", "ko": "토쿄"}
    assert tokyo["rendered_by"] == {"ja": "default", "ko": "inline"}


def test_short_renderings_travel_through_the_glossary_api(client) -> None:
    entry = {"source": "Miriam Quayle", "type": "person",
             "renderings": {"ja": "ミリアム・クエール", "ko": "미리엄 퀘일"},
             "short_renderings": {"ja": "クエール", "ko": "퀘일"}}
    assert client.post("/v1/glossaries", json={"name": "people", "entries": [entry]}).status_code == 201
    stored = client.get("/v1/glossaries/people").get_json()["entries"][0]
    assert stored["short_renderings"] == {"ja": "クエール", "ko": "퀘일"}
    bad = {**entry, "short_renderings": {"zh": "奎尔"}}
    assert client.post("/v1/glossaries", json={"name": "bad", "entries": [bad]}).status_code in (400, 422)


def test_readyz_and_models_report_the_detector(client) -> None:
    ready = client.get("/readyz").get_json()
    assert ready["entities"] == {"detector": "heuristic", "ner": {"model": "en_core_web_sm", "state": "missing",
                                                                  "loaded": False}}
    models = {(m["task"], m["key"]) for m in client.get("/v1/models").get_json()["models"]}
    assert ("ner", "en") in models


def test_an_installed_ner_pipeline_finds_the_names(tmp_path, tiny_ner_dir, translator) -> None:
    settings = make_settings(tmp_path, http={"rate_limit": "1000/minute"})
    models = FakeModelManager(settings, translator=translator, ner=load_spacy_ner(tiny_ner_dir))
    app = create_app(settings, resources=Resources(settings, models=models))
    client = app.test_client()
    segment = f"{PEOPLE[2]} visited {PLACES[1]} on Monday to meet officials of Blue River Bank."
    body = client.post("/v1/translate", json={"segments": [segment]}).get_json()
    brief = body["briefs"][0] if "briefs" in body else body
    detectors = {e["source"]: e["detector"] for e in brief["entities"]}
    assert "ner" in detectors.values()
    assert brief["meta"]["models"]["entities"] == {"detector": "ner", "model": "en_tiny_ner-0.0.1",
                                                   "revision": "", "engine": "spacy"}
    assert client.get("/readyz").get_json()["entities"]["detector"] == "ner"
