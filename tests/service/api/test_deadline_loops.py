"""The deadline holds inside every loop that grows with the input: translation-memory matching, glossary
matching and restoring, segmenting. Past it the answer is 503 deadline-exceeded with Retry-After, on
time, on every door."""
from __future__ import annotations

import random
import time

import pytest

from service.api.app import create_app
from service.glossary.enforce import GlossaryTranslator
from service.glossary.model import ActiveGlossary, Glossary, GlossaryEntry
from service.memory.files import MemoryUnit
from service.runtime.resources import Resources
from tests.fakes import FakeModelManager, TaggingTranslator
from tests.helpers import make_settings
from tests.service.api.helpers import assert_problem

DEADLINE_S = 1.0
WORDS = "harbor pier ferry council budget minister talks trade security weather storm river bridge road".split()


def _sentences(count: int, seed: int) -> list[str]:
    """Similar sentences from a small vocabulary: every one a fuzzy candidate of every other."""
    rnd = random.Random(seed)
    return [" ".join(rnd.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(count)]


@pytest.fixture(scope="module")
def big_memory_app(tmp_path_factory):
    """A team-sized translation memory (15,000 units) and a 1 s deadline."""
    tmp = tmp_path_factory.mktemp("memory")
    settings = make_settings(tmp, http={"request_deadline_s": DEADLINE_S, "rate_limit": "1000/minute"})
    app = create_app(settings, resources=Resources(settings, models=FakeModelManager(settings)))
    app.extensions["briefs"].memories.add_units("desk", [MemoryUnit("en", "ja", s, "訳文。")
                                                         for s in _sentences(15_000, seed=1)])
    yield app
    app.extensions["briefs.documents"].shutdown()


@pytest.mark.parametrize(("path", "body", "code_field"), [
    ("/v1/translate", {"segments": _sentences(1_000, seed=2), "target_langs": ["ja"]}, "code"),
    ("/v2/translate", {"text": _sentences(50, seed=3), "source_lang": "EN", "target_lang": "JA"}, "message"),
], ids=["v1-translate", "deepl"])
def test_memory_matching_stops_at_the_deadline(big_memory_app, path, body, code_field):
    client = big_memory_app.test_client()
    started = time.monotonic()
    response = client.post(path, json=body)
    took = time.monotonic() - started
    assert response.status_code == 503, response.data[:300]
    assert int(response.headers["Retry-After"]) >= 1
    # Without checks inside the matching loop this answered after minutes (356 s at a 60 s deadline); the
    # bound is loose so a busy CI machine cannot fail it, and tight enough to tell the two apart.
    assert took < DEADLINE_S + 10, f"answered {took:.1f} s after a {DEADLINE_S} s deadline"
    if code_field == "code":
        assert_problem(response, 503, "deadline-exceeded")
    else:
        assert "deadline" in response.get_json()["message"]


def test_glossary_matching_and_restoring_check_the_deadline_for_every_segment():
    seen: list[str] = []
    entries = tuple(GlossaryEntry(source=f"Pier {n}", renderings={"ja": f"桟橋{n}"}) for n in range(3))
    translator = GlossaryTranslator(TaggingTranslator(), ActiveGlossary((Glossary("desk", entries),)),
                                    checkpoint=seen.append)
    translator.translate_batch([f"Pier {n} reopened." for n in range(3)], "en", "ja")
    assert seen.count("glossary matching") >= 3  # at least once per segment (matches, then mentions)
    assert seen.count("glossary restoring") == 3
