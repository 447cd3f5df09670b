"""Tenancy of /v1/memories: a key sees its own (its team's) memories and the shared ones; another
tenant's memory answers exactly as a missing one (404) for every read, change and delete; a reader
changes nothing (403); shared memories change only with an admin key. Nothing refused changes anything."""
from __future__ import annotations

import pytest

from service.brief import AlignedSegment, Brief, BriefMeta
from service.exports import export_brief
from service.memory.files import MemoryUnit
from tests.service.api.helpers import TEAM_KEYS, assert_problem

TMX = "application/x-tmx+xml"


def tmx(source: str, target: str) -> bytes:
    brief = Brief(segments=[AlignedSegment("s1", 0, source, {"ja": target}, {"ja": "edited"})],
                  entities=[], meta=BriefMeta(target_langs=["ja"]))
    return export_brief(brief, "tmx")[0][1]


FILE = tmx("Ferries resumed at Port Alder.", "ポート・アルダーでフェリー再開。")
OTHER = tmx("The bay froze overnight.", "湾が一晩で凍った。")


def memories(client, headers) -> dict[str, tuple[str | None, int]]:
    listed = client.get("/v1/memories", headers=headers).get_json()["memories"]
    return {m["name"]: (m["owner"], m["unit_count"]) for m in listed}


def test_a_memory_belongs_to_its_team_and_is_listed_only_there(team_keyed):
    _, client, h = team_keyed
    response = client.post("/v1/memories/desk-tm", data=FILE, content_type=TMX, headers=h["desk"])
    assert response.status_code == 201
    assert response.get_json()["owner"] == "team:desk"
    assert memories(client, h["desk2"]) == {"desk-tm": ("team:desk", 1)}
    assert memories(client, h["reader"]) == {"desk-tm": ("team:desk", 1)}
    assert memories(client, h["wire"]) == {}
    assert memories(client, h["solo"]) == {}
    assert client.get("/v1/memories/desk-tm", headers=h["desk2"]).status_code == 200


# Every way another tenant could reach a memory: each must look exactly like a missing one.
READS_AND_CHANGES = {
    "get-tmx": ("GET", {}),
    "get-json": ("GET", {"headers": {"Accept": "application/json"}}),
    "delete": ("DELETE", {}),
}


@pytest.mark.parametrize("action", sorted(READS_AND_CHANGES))
@pytest.mark.parametrize("other", ["wire", "solo"])
def test_another_tenants_memory_is_404_exactly_as_a_missing_one(team_keyed, action, other):
    _, client, h = team_keyed
    client.post("/v1/memories/desk-tm", data=FILE, content_type=TMX, headers=h["desk"])
    method, extra = READS_AND_CHANGES[action]
    headers = {**extra.get("headers", {}), **h[other]}
    hidden = assert_problem(client.open("/v1/memories/desk-tm", method=method, headers=headers), 404,
                            "memory-not-found")
    missing = assert_problem(client.open("/v1/memories/none-tm", method=method, headers=headers), 404,
                             "memory-not-found")
    assert hidden["detail"].replace("desk-tm", "X") == missing["detail"].replace("none-tm", "X")
    assert memories(client, h["desk"]) == {"desk-tm": ("team:desk", 1)}


def test_importing_under_another_tenants_name_makes_a_memory_of_ones_own(team_keyed):
    _, client, h = team_keyed
    client.post("/v1/memories/desk-tm", data=FILE, content_type=TMX, headers=h["desk"])
    response = client.post("/v1/memories/desk-tm", data=OTHER, content_type=TMX, headers=h["wire"])
    assert response.status_code == 201
    assert response.get_json()["owner"] == "team:wire"
    assert memories(client, h["desk"]) == {"desk-tm": ("team:desk", 1)}
    assert memories(client, h["wire"]) == {"desk-tm": ("team:wire", 1)}
    assert b"Ferries" in client.get("/v1/memories/desk-tm", headers=h["desk"]).data
    assert b"Ferries" not in client.get("/v1/memories/desk-tm", headers=h["wire"]).data


@pytest.mark.parametrize("change", ["import", "delete"])
def test_a_reader_changes_no_memory(team_keyed, change):
    _, client, h = team_keyed
    client.post("/v1/memories/desk-tm", data=FILE, content_type=TMX, headers=h["desk"])
    if change == "import":
        response = client.post("/v1/memories/desk-tm", data=OTHER, content_type=TMX, headers=h["reader"])
    else:
        response = client.delete("/v1/memories/desk-tm", headers=h["reader"])
    assert_problem(response, 403, "forbidden")
    assert memories(client, h["desk"]) == {"desk-tm": ("team:desk", 1)}


def test_a_reader_creates_no_memory(team_keyed):
    _, client, h = team_keyed
    assert_problem(client.post("/v1/memories/new-tm", data=FILE, content_type=TMX, headers=h["reader"]), 403,
                   "forbidden")
    assert memories(client, h["desk"]) == {}


@pytest.mark.parametrize("change", ["import", "delete"])
@pytest.mark.parametrize(("who", "status"), [("desk", 403), ("solo", 403), ("admin", None)])
def test_a_shared_memory_is_read_by_every_key_and_changed_only_by_an_admin(team_keyed, change, who, status):
    app, client, h = team_keyed
    app.extensions["briefs"].memories.add_units("house", [MemoryUnit("en", "ja", "Rain fell.", "雨が降った。")])
    assert all(memories(client, h[k])["house"] == (None, 1) for k in TEAM_KEYS)
    if change == "import":
        response = client.post("/v1/memories/house", data=OTHER, content_type=TMX, headers=h[who])
    else:
        response = client.delete("/v1/memories/house", headers=h[who])
    if status is not None:
        assert_problem(response, status, "forbidden")
        assert memories(client, h[who])["house"] == (None, 1)
    else:
        assert response.status_code in (201, 204), response.data
        assert memories(client, h["desk"]).get("house") == ((None, 2) if change == "import" else None)


@pytest.mark.parametrize("door", ["briefs", "translate"])
def test_briefs_reuse_their_tenants_and_shared_memories_never_another_tenants(team_keyed, door):
    from tests.service.api.helpers import ARTICLE

    app, client, h = team_keyed
    first = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 2, "target_langs": ["ja"]},
                        headers=h["desk"]).get_json()["segments"][0]["en"]
    assert client.post("/v1/memories/wire-tm", data=tmx(first, "ワイヤーの訳。"), content_type=TMX,
                       headers=h["wire"]).status_code == 201
    path, body = {"briefs": ("/v1/briefs", {"text": ARTICLE, "sentences": 2, "target_langs": ["ja"]}),
                  "translate": ("/v1/translate", {"segments": [first], "target_langs": ["ja"]})}[door]

    def first_segment(who: str) -> tuple[str, str]:
        response = client.post(path, json=body, headers=h[who]).get_json()
        segment = response["segments"][0]
        assert not any("ワイヤー" in w["message"] for w in response["meta"]["warnings"])
        return segment["provenance"]["ja"], segment["translations"]["ja"]

    assert first_segment("wire") == ("tm-exact", "ワイヤーの訳。")
    assert first_segment("desk")[0] == "model", "another team's memory is never reused"
    app.extensions["briefs"].memories.add_units("house", [MemoryUnit("en", "ja", first, "共有の訳。")])
    assert first_segment("desk") == ("tm-exact", "共有の訳。")


DOOR_REQUESTS = {
    "deepl": ("/v2/translate", lambda text: {"text": [text], "source_lang": "EN", "target_lang": "JA"},
              lambda answer: answer["translations"][0]["text"]),
    "libretranslate": ("/translate", lambda text: {"q": text, "source": "en", "target": "ja"},
                       lambda answer: answer["translatedText"]),
}


@pytest.mark.parametrize("door", sorted(DOOR_REQUESTS))
def test_the_drop_in_doors_reuse_only_their_tenants_memories(team_keyed, door):
    _app, client, h = team_keyed
    source = "Ferries resumed at Port Alder."
    assert client.post("/v1/memories/wire-tm", data=FILE, content_type=TMX, headers=h["wire"]).status_code == 201
    path, body, translation = DOOR_REQUESTS[door]

    def translated(who: str) -> str:
        response = client.post(path, json=body(source), headers=h[who])
        assert response.status_code == 200, response.data
        return translation(response.get_json())

    assert translated("wire") == "ポート・アルダーでフェリー再開。"
    assert translated("desk") != "ポート・アルダーでフェリー再開。", "another team's memory is never reused"
