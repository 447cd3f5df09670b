"""/v1/glossaries show and take a display name beside the name (the key URLs use), as the DeepL doors name them."""
from __future__ import annotations

import pytest

from tests.service.api.helpers import assert_problem

ENTRY = {"source": "Fumio Kishida", "renderings": {"ja": "岸田文雄"}, "type": "person"}
SHOWN = "Politics desk: 2026 elections"


def test_create_with_a_display_name_and_replace_keeps_it(client):
    made = client.post("/v1/glossaries", json={"name": "politics", "display_name": SHOWN, "entries": [ENTRY]})
    assert made.status_code == 201, made.data
    assert made.get_json()["display_name"] == SHOWN
    kept = client.put("/v1/glossaries/politics", json={"entries": [ENTRY]}).get_json()
    assert kept["display_name"] == SHOWN
    listed = {g["name"]: g for g in client.get("/v1/glossaries").get_json()["glossaries"]}
    assert listed["politics"]["display_name"] == SHOWN
    assert client.get("/v2/glossaries/politics").get_json()["name"] == SHOWN  # the DeepL door shows it


def test_a_glossary_without_one_shows_null(client):
    client.post("/v1/glossaries", json={"name": "politics", "entries": [ENTRY]})
    assert client.get("/v1/glossaries/politics").get_json()["display_name"] is None


@pytest.mark.parametrize("shown", ["", "a\tb", "x" * 1025])
def test_a_bad_display_name_is_422(client, shown):
    response = client.post("/v1/glossaries", json={"name": "politics", "display_name": shown, "entries": [ENTRY]})
    assert_problem(response, 422, "validation-failed")
    assert client.get("/v1/glossaries/politics").status_code == 404
