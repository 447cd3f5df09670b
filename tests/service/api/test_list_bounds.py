"""Every list a request may carry is bounded before any work: 100,000 glossary names or LibreTranslate texts
are refused at once (422, LibreTranslate's 400), and /openapi.json states each bound as maxItems."""
from __future__ import annotations

import time

import pytest

from tests.service.api.helpers import ARTICLE, assert_problem

MANY = 100_000


@pytest.mark.parametrize(("path", "body"), [
    ("/v1/briefs", {"text": ARTICLE, "glossaries": [f"g{n}" for n in range(MANY)]}),
    ("/v1/translate", {"segments": ["Hi."], "glossaries": [f"g{n}" for n in range(MANY)]}),
    ("/v1/translate", {"segments": ["Hi."], "target_langs": ["ja"] * MANY}),
    ("/v1/translate", {"segments": ["Hi."], "inline_glossary": [
        {"source": "Tokyo", "renderings": {"ja": "東京"}, "aliases": [f"T{n}" for n in range(MANY)]}]}),
    ("/v1/translate", {"segments": ["Hi."], "include": ["meta"] * MANY}),
], ids=["briefs-glossaries", "translate-glossaries", "target-langs", "aliases", "include"])
def test_a_huge_list_is_refused_at_once(client, path, body):
    started = time.monotonic()
    problem = assert_problem(client.post(path, json=body), 422, "validation-failed")
    assert "limits.max_" in str(problem["errors"])
    assert time.monotonic() - started < 3


def test_huge_lists_on_the_compatibility_doors_are_refused_in_their_shapes(client):
    started = time.monotonic()
    libre = client.post("/translate", json={"q": ["Hi."] * MANY, "source": "en", "target": "ja"})
    assert libre.status_code == 400, libre.data[:200]
    assert "limits.max_segments" in libre.get_json()["error"]
    deepl = client.post("/v2/translate", json={"text": ["Hi."], "target_lang": "JA",
                                               "ignore_tags": [f"t{n}" for n in range(MANY)]})
    assert deepl.status_code == 400, deepl.data[:200]
    assert "limits.max_list_items" in deepl.get_json()["message"]
    entries = client.delete("/v1/glossaries/default/entries", json={"sources": ["x"] * MANY})
    assert entries.status_code == 422
    assert time.monotonic() - started < 5


def test_the_spec_states_the_bounds(client):
    spec = client.get("/openapi.json").get_json()
    options = spec["components"]["schemas"]["TranslateRequest"]["properties"]
    assert options["glossaries"]["maxItems"] == 16
    assert options["target_langs"]["maxItems"] == 100
    libre = spec["components"]["schemas"]["LibreTranslate"]["properties"]["q"]
    assert [branch.get("maxItems") for branch in libre["anyOf"] if branch["type"] == "array"] == [1000]
