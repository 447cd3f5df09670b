"""DeepL glossaries (v2 and v3) are views of the one glossary store."""
from __future__ import annotations

import uuid

import pytest

from service.api.compat.glossary_bridge import merge, parse_entries
from service.glossary.model import GlossaryEntry


def create_v2(client, name="desk", entries="Kihara\t木原\nHayashi\t林", fmt="tsv", target="JA"):
    return client.post("/v2/glossaries", json={"name": name, "source_lang": "EN", "target_lang": target,
                                               "entries": entries, "entries_format": fmt})


def test_v2_glossary_is_a_v1_glossary_by_id_and_name(client):
    created = create_v2(client)
    assert created.status_code == 201, created.data
    info = created.get_json()
    assert info["ready"] is True
    assert (info["source_lang"], info["target_lang"], info["entry_count"]) == ("en", "ja", 2)
    assert str(uuid.UUID(info["glossary_id"])) == info["glossary_id"]  # DeepL's form: a UUID with dashes
    for ref in (info["glossary_id"], info["glossary_id"].replace("-", ""), "desk"):
        v1 = client.get(f"/v1/glossaries/{ref}").get_json()
        assert str(uuid.UUID(v1["id"])) == info["glossary_id"]
        assert {e["source"]: e["renderings"] for e in v1["entries"]} == {"Kihara": {"ja": "木原"},
                                                                          "Hayashi": {"ja": "林"}}


def test_v1_glossary_is_visible_to_deepl(client):
    client.post("/v1/glossaries", json={"name": "ours", "entries": [
        {"source": "Kihara", "type": "person", "renderings": {"ja": "木原", "ko": "기하라"}}]})
    gid = client.get("/v1/glossaries/ours").get_json()["id"]
    assert str(uuid.UUID(gid)) in [g["glossary_id"] for g in client.get("/v2/glossaries").get_json()["glossaries"]]
    v3 = client.get(f"/v3/glossaries/{gid}").get_json()
    assert [(d["target_lang"], d["entry_count"]) for d in v3["dictionaries"]] == [("ja", 1), ("ko", 1)]
    entries = client.get(f"/v3/glossaries/{gid}/entries?source_lang=EN&target_lang=KO").get_json()
    assert entries["dictionaries"][0]["entries"] == "Kihara\t기하라"


def test_entries_come_back_as_tsv(client):
    gid = create_v2(client).get_json()["glossary_id"]
    response = client.get(f"/v2/glossaries/{gid}/entries", headers={"Accept": "text/tab-separated-values"})
    assert response.mimetype == "text/tab-separated-values"
    assert response.get_data(as_text=True) == "Kihara\t木原\nHayashi\t林"


def test_csv_entries(client):
    info = create_v2(client, entries='Kihara,木原\n"Hayashi, Yoshimasa",林芳正', fmt="csv").get_json()
    assert info["entry_count"] == 2


def test_a_repeated_name_gets_its_own_glossary_under_the_same_name(client):
    first = create_v2(client).get_json()
    second = create_v2(client).get_json()
    assert first["glossary_id"] != second["glossary_id"]
    assert first["name"] == second["name"] == "desk"  # as DeepL: names need not be unique
    v1 = client.get(f"/v1/glossaries/{second['glossary_id']}").get_json()
    assert (v1["name"], v1["display_name"]) == ("desk-2", "desk")  # the store's key is unique per owner


def test_translation_uses_the_glossary(client):
    gid = create_v2(client, entries="Kihara\t木原").get_json()["glossary_id"]
    body = {"text": ["Kihara spoke."], "source_lang": "EN", "target_lang": "JA", "glossary_id": gid}
    assert "木原" in client.post("/v2/translate", json=body).get_json()["translations"][0]["text"]


@pytest.mark.parametrize(("entries", "fmt"), [("Kihara", "tsv"), ("", "tsv"), ("\tonly target", "tsv"), ("a", "csv")])
def test_malformed_entries_are_400(client, entries, fmt):
    response = create_v2(client, entries=entries, fmt=fmt)
    assert response.status_code == 400
    assert "message" in response.get_json()


def test_unknown_glossary_is_404(client):
    response = client.get("/v2/glossaries/nope")
    assert response.status_code == 404
    assert set(response.get_json()) == {"message"}


def test_delete(client):
    gid = create_v2(client).get_json()["glossary_id"]
    assert client.delete(f"/v2/glossaries/{gid}").status_code == 204
    assert client.get(f"/v1/glossaries/{gid}").status_code == 404


def test_the_default_glossary_cannot_be_deleted(client):
    assert client.delete("/v2/glossaries/default").status_code == 400


def test_v3_rename_changes_the_display_name_and_keeps_the_key(client):
    gid = client.post("/v3/glossaries", json={"name": "multi", "dictionaries": [
        {"source_lang": "EN", "target_lang": "JA", "entries": "Kihara\t木原", "entries_format": "tsv"}]}
    ).get_json()["glossary_id"]
    response = client.patch(f"/v3/glossaries/{gid}", json={"name": "desk: renamed"})
    assert response.status_code == 200, response.data
    assert response.get_json()["name"] == "desk: renamed"
    assert client.get(f"/v3/glossaries/{gid}").get_json()["name"] == "desk: renamed"
    v1 = client.get("/v1/glossaries/multi").get_json()  # /v1 URLs keep working
    assert (v1["name"], v1["display_name"], v1["entry_count"]) == ("multi", "desk: renamed", 1)


def test_v3_dictionaries_must_share_the_source_language(client):
    response = client.post("/v3/glossaries", json={"name": "mixed", "dictionaries": [
        {"source_lang": "EN", "target_lang": "JA", "entries": "a\tb"},
        {"source_lang": "JA", "target_lang": "KO", "entries": "c\td"}]})
    assert response.status_code == 400


def test_v3_missing_dictionary_is_404(client):
    gid = create_v2(client).get_json()["glossary_id"]
    response = client.get(f"/v3/glossaries/{gid}/entries?source_lang=EN&target_lang=KO")
    assert response.status_code == 404


def test_parse_entries_skips_blank_lines():
    assert parse_entries("a\tb\n\n c \t d \n", "tsv") == {"a": "b", "c": "d"}


def test_merge_adds_replaces_and_drops_empty_entries():
    old = (GlossaryEntry("Kihara", {"ja": "木原", "ko": "기하라"}), GlossaryEntry("Hayashi", {"ko": "하야시"}))
    merged = merge(old, "ko", {"Kishida": "기시다"}, replace_target=True)
    assert [(e.source, e.renderings) for e in merged] == [("Kihara", {"ja": "木原"}), ("Kishida", {"ko": "기시다"})]
    added = merge(old, "ja", {"hayashi": "林"})
    assert added[1].renderings == {"ko": "하야시", "ja": "林"}


def test_replacing_a_dictionary_drops_its_short_renderings_too():
    person = GlossaryEntry("Park Jin", {"ja": "朴振", "ko": "박진"}, type="person",
                           short_renderings={"ja": "朴", "ko": "박"})
    (merged,) = merge((person,), "ko", {}, replace_target=True)
    assert (merged.renderings, merged.short_renderings) == ({"ja": "朴振"}, {"ja": "朴"})


@pytest.mark.parametrize("glossary_id", ["%0A", "%20"])
def test_a_blank_glossary_id_is_not_found(client, glossary_id):
    for path in (f"/v2/glossaries/{glossary_id}", f"/v3/glossaries/{glossary_id}"):
        response = client.get(path)
        assert response.status_code == 404
        assert set(response.get_json()) == {"message"}


@pytest.mark.parametrize("entries", ["\r\x80ÛTÌ", 'a,"unterminated\nb,c', "\r\n\r\n"])
def test_malformed_csv_entries_are_400_never_500(client, entries):
    response = create_v2(client, entries=entries, fmt="csv")
    assert response.status_code == 400
    assert set(response.get_json()) == {"message"}
