"""POST /v1/briefs and /v1/translate on the doubles: shapes per schema, include, defaults, bad input."""
from __future__ import annotations

import pytest

from service.api.schemas import BriefSchema
from tests.service.api.helpers import ARTICLE, assert_problem


def test_one_article_gives_one_brief_matching_the_schema(client):
    response = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 2})
    assert response.status_code == 200
    body = response.get_json()
    assert BriefSchema().validate(body) == {}
    assert [s["en"] for s in body["segments"]] == ["Officials met in Tokyo on Monday.",
                                                  "They discussed trade and security."]
    second = body["segments"][1]
    assert second["translations"] == {"ja": f"<ja> {second['en']}", "ko": f"<ko> {second['en']}"}
    assert set(body["meta"]["timings_ms"]) >= {"segment", "summarize", "translate", "align"}
    assert body["meta"]["target_langs"] == ["ja", "ko"]


def test_default_glossary_is_enforced_and_reported(client):
    body = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 1}).get_json()
    tokyo = next(e for e in body["entities"] if e["source"] == "Tokyo")
    assert tokyo["resolution"] == "glossary"
    assert tokyo["renderings"]["ja"] in body["segments"][0]["translations"]["ja"]
    assert {m["lang"] for m in tokyo["mentions"]} == {"en", "ja", "ko"}


def test_inline_glossary_overrides_the_default(client):
    entry = {"source": "Tokyo", "renderings": {"ja": "トーキョー", "ko": "토오쿄"}, "type": "place"}
    body = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 1, "inline_glossary": [entry]}).get_json()
    assert "トーキョー" in body["segments"][0]["translations"]["ja"]
    assert "토오쿄" in body["segments"][0]["translations"]["ko"]


def test_texts_give_a_list_of_briefs_each_from_its_own_article(client):
    other = "Rain fell in Seoul. Markets were calm. Schools stayed open."
    response = client.post("/v1/briefs", json={"texts": [ARTICLE, other], "sentences": 1,
                                               "target_langs": ["ko"]})
    assert response.status_code == 200
    briefs = response.get_json()
    assert [b["segments"][0]["en"] for b in briefs] == ["Officials met in Tokyo on Monday.", "Rain fell in Seoul."]
    assert briefs[1]["segments"][0]["translations"]["ko"].startswith("<ko> Rain fell in ")
    assert set(briefs[1]["segments"][0]["translations"]) == {"ko"}


@pytest.mark.parametrize(("include", "present"), [([], set()), (["meta"], {"meta"}), (["entities"], {"entities"}),
                                              (["entities", "meta"], {"entities", "meta"})])
def test_include_omits_parts_not_asked_for(client, include, present):
    body = client.post("/v1/briefs", json={"text": ARTICLE, "include": include}).get_json()
    assert set(body) == {"title", "segments"} | present
    assert body["title"] is None


RELEASE = ("READOUT\n\nTokyo Talks Open On Port Agreement Today\n\n"
           "TOKYO (AP) — Officials met in Tokyo on Monday. They discussed trade and security.\n\n"
           "Share this page: Facebook Twitter\n\n###")


def test_a_headline_comes_back_as_the_title_and_left_out_lines_in_meta(client):
    body = client.post("/v1/briefs", json={"text": RELEASE, "ratio": 1}).get_json()
    assert BriefSchema().validate(body) == {}
    title = body["title"]
    assert (title["id"], title["en"]) == ("title", "Tokyo Talks Open On Port Agreement Today")
    assert title["translations"]["ko"].startswith("<ko> ")
    assert [s["en"] for s in body["segments"]] == ["Officials met in Tokyo on Monday.",
                                                  "They discussed trade and security."]
    assert [(d["kind"], d["text"]) for d in body["meta"]["dropped"]] == [
        ("section-label", "READOUT"), ("dateline", "TOKYO (AP) —"),
        ("navigation", "Share this page: Facebook Twitter"), ("end-mark", "###")]
    assert all(RELEASE[d["start"]:d["end"]] == d["text"] for d in body["meta"]["dropped"])
    tokyo = next(e for e in body["entities"] if e["source"] == "Tokyo")
    assert {m["segment"] for m in tokyo["mentions"]} == {"title", "s1"}


def test_the_title_of_a_stored_brief_is_edited_and_shown_in_every_format(client):
    bid = client.post("/v1/briefs", json={"text": RELEASE, "store": True}).get_json()["id"]
    edited = client.patch(f"/v1/briefs/{bid}/segments/title", json={"lang": "ja", "text": "東京で港湾協議"})
    assert edited.status_code == 200
    assert edited.get_json()["title"]["provenance"]["ja"] == "edited"
    markdown = client.get(f"/v1/briefs/{bid}?format=markdown").get_data(as_text=True)
    assert markdown.startswith("# Tokyo Talks Open On Port Agreement Today\n")
    assert "東京で港湾協議" in markdown
    tmx = client.get(f"/v1/briefs/{bid}?format=tmx").get_data(as_text=True)
    assert '<tu tuid="title">' in tmx


def test_ratio_and_inline_glossary_are_accepted(client):
    entry = {"source": "Tokyo", "renderings": {"ja": "東京", "ko": "도쿄"}, "type": "place"}
    response = client.post("/v1/briefs", json={"text": ARTICLE, "ratio": 0.5, "inline_glossary": [entry]})
    assert response.status_code == 200
    assert len(response.get_json()["segments"]) == 2


def test_translate_keeps_segments_and_reports_entities(client):
    response = client.post("/v1/translate", json={"segments": ["One.", "Two."], "target_langs": ["ja"]})
    assert response.status_code == 200
    body = response.get_json()
    assert BriefSchema().validate(body) == {}
    assert [(s["en"], s["translations"]["ja"]) for s in body["segments"]] == [("One.", "<ja> One."),
                                                                           ("Two.", "<ja> Two.")]
    assert "entities" in body
    assert "summarizer" not in body["meta"]["models"]


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "text"),
    ({"text": ARTICLE, "texts": [ARTICLE]}, "text"),
    ({"text": ARTICLE, "sentences": 0}, "sentences"),
    ({"text": ARTICLE, "ratio": 1.5}, "ratio"),
    ({"text": ARTICLE, "sentences": 2, "ratio": 0.5}, "ratio"),
    ({"text": ARTICLE, "include": ["everything"]}, "include.0"),
    ({"text": ARTICLE, "target_langs": []}, "target_langs"),
    ({"text": 42}, "text"),
    ({"text": ARTICLE, "surprise": True}, "surprise"),
    ({"text": ARTICLE, "inline_glossary": [{"source": " ", "renderings": {}}]}, "inline_glossary.0.source"),
    ({"text": ARTICLE, "inline_glossary": [{"source": "X", "renderings": {}, "type": "fruit"}]},
     "inline_glossary.0.type"),
])
def test_schema_violations_are_422_with_field_errors(client, payload, field):
    body = assert_problem(client.post("/v1/briefs", json=payload), 422, "validation-failed")
    assert field in {e["field"] for e in body["errors"]}


def test_translate_needs_segments(client):
    body = assert_problem(client.post("/v1/translate", json={"target_langs": ["ja"]}), 422)
    assert body["errors"][0]["field"] == "segments"


@pytest.mark.parametrize(("payload", "code"), [
    ({"text": "   "}, "empty-text"),
    ({"text": ARTICLE, "target_langs": ["xx"]}, "unknown-language"),
    ({"text": ARTICLE, "target_langs": ["de"]}, "unsupported-pair"),
    ({"text": ARTICLE, "target_langs": ["en"]}, "bad-input"),
])
def test_domain_errors_keep_their_code(client, payload, code):
    assert_problem(client.post("/v1/briefs", json=payload), 422, code)


def test_article_over_the_character_limit_is_413(make_app):
    client = make_app(limits={"max_chars": 20}).test_client()
    assert_problem(client.post("/v1/briefs", json={"text": ARTICLE}), 413, "text-too-long")


# -- formats: ?format= and Accept ----------------------------------------------------------------


@pytest.mark.parametrize(("query", "accept", "mimetype", "name"), [
    ("?format=tmx", None, "application/x-tmx+xml", "brief.tmx"),
    ("?format=tbx", None, "application/x-tbx", "brief.tbx"),
    ("", "application/x-tmx+xml", "application/x-tmx+xml", "brief.tmx"),
    ("", "application/x-tbx", "application/x-tbx", "brief.tbx"),
    ("", "text/markdown", "text/markdown", "brief.md"),
    ("?format=text", "application/x-tbx", "text/plain", "brief.txt"),
])
def test_single_file_formats_come_as_attachments(client, query, accept, mimetype, name):
    headers = {"Accept": accept} if accept else {}
    response = client.post(f"/v1/briefs{query}", json={"text": ARTICLE, "sentences": 2}, headers=headers)
    assert response.status_code == 200, response.data
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'


@pytest.mark.parametrize(("fmt", "accept"),
                         [("xliff", "application/xliff+xml"), ("xliff12", "application/x-xliff+xml")])
def test_xliff_for_one_language_is_one_file_that_reads_back(client, fmt, accept):
    from service.exports.xliff import read_xliff

    for query, headers in ((f"?format={fmt}", {}), ("", {"Accept": accept})):
        response = client.post(f"/v1/briefs{query}", json={"text": ARTICLE, "sentences": 2, "target_langs": ["ko"]},
                               headers=headers)
        assert response.status_code == 200
        assert response.mimetype == accept
        source, target, segments = read_xliff(response.data)
        assert (source, target) == ("en", "ko")
        assert [s.texts["en"] for s in segments] == ["Officials met in Tokyo on Monday.",
                                                    "They discussed trade and security."]


def test_xliff_for_two_languages_is_a_zip_of_one_file_each(client):
    import io
    import zipfile

    response = client.post("/v1/briefs?format=xliff", json={"text": ARTICLE, "sentences": 1})
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert sorted(archive.namelist()) == ["brief.ja.xlf", "brief.ko.xlf"]


def test_texts_in_a_file_format_are_numbered_in_a_zip(client):
    import io
    import zipfile

    response = client.post("/v1/briefs?format=tmx", json={"texts": [ARTICLE, "Rain fell in Seoul. Calm."],
                                                          "sentences": 1})
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert sorted(archive.namelist()) == ["brief-1.tmx", "brief-2.tmx"]


@pytest.mark.parametrize("accept", ["*/*", "application/json", "application/json, application/x-tmx+xml;q=0.5"])
def test_json_stays_the_default_and_matches_the_schema(client, accept):
    response = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 1}, headers={"Accept": accept})
    assert response.mimetype == "application/json"
    assert BriefSchema().validate(response.get_json()) == {}


def test_unknown_accept_is_406(client):
    response = client.post("/v1/briefs", json={"text": ARTICLE}, headers={"Accept": "image/png"})
    assert_problem(response, 406, "not-acceptable")


def test_unknown_format_query_is_422(client):
    response = client.post("/v1/briefs?format=docx", json={"text": ARTICLE})
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == "format"


def test_hostile_article_stays_well_formed_in_every_file_format(client):
    from lxml import etree

    text = "Talks in Tokyo: <script>alert(1)</script> &amp; ]]> \u202eevil\u202c went on. Delegates left early."
    for fmt in ("xliff12", "tmx", "tbx"):
        response = client.post(f"/v1/briefs?format={fmt}", json={"text": text, "sentences": 2,
                                                                 "target_langs": ["ja"]})
        root = etree.fromstring(response.data)
        assert not list(root.iter("{*}script", "script"))


# -- stored briefs and reviewer edits ------------------------------------------------------------


def _store(client, **extra):
    response = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 2, "store": True, **extra})
    assert response.status_code == 200, response.data
    body = response.get_json()
    assert response.headers["Location"] == f"/v1/briefs/{body['id']}"
    return body


def test_store_returns_an_id_and_get_returns_the_same_brief(client):
    body = _store(client)
    got = client.get(f"/v1/briefs/{body['id']}").get_json()
    assert got["id"] == body["id"]
    assert got["version"] == 1
    assert got["history"] == []
    assert got["segments"] == body["segments"]
    assert got["entities"] == body["entities"]


def test_unstored_briefs_have_no_id(client):
    response = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 1})
    assert "id" not in response.get_json()
    assert "Location" not in response.headers


def test_texts_stored_each_get_an_id(client):
    bodies = client.post("/v1/briefs", json={"texts": [ARTICLE, "Rain fell. Calm followed."], "sentences": 1,
                                             "store": True}).get_json()
    assert len({b["id"] for b in bodies}) == 2
    assert client.get(f"/v1/briefs/{bodies[1]['id']}").get_json()["segments"][0]["en"] == "Rain fell."


@pytest.mark.parametrize(("query", "accept", "mimetype"), [("?format=tmx", None, "application/x-tmx+xml"),
                                                     ("", "application/x-tbx", "application/x-tbx"),
                                                     ("?format=xliff", None, "application/zip")])
def test_get_a_stored_brief_in_any_format(client, query, accept, mimetype):
    bid = _store(client)["id"]
    response = client.get(f"/v1/briefs/{bid}{query}", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == mimetype


def test_edit_records_history_and_reanchors_the_entity(client):
    body = _store(client)
    tokyo_ja = next(e for e in body["entities"] if e["source"] == "Tokyo")["renderings"]["ja"]
    model_text = body["segments"][0]["translations"]["ja"]
    edited = f"月曜日に{tokyo_ja}で会合。"
    response = client.patch(f"/v1/briefs/{body['id']}/segments/s1", json={"lang": "ja", "text": edited})
    assert response.status_code == 200, response.data
    after = response.get_json()
    segment = after["segments"][0]
    assert segment["translations"]["ja"] == edited
    assert segment["provenance"]["ja"] == "edited"
    assert segment["provenance"]["ko"] == "model"
    assert after["version"] == 2
    [edit] = after["history"]
    assert (edit["segment"], edit["lang"], edit["previous"], edit["previous_provenance"], edit["text"]) == (
        "s1", "ja", model_text, "model", edited)
    tokyo = next(e for e in after["entities"] if e["source"] == "Tokyo")
    [mention] = [m for m in tokyo["mentions"] if m["segment"] == "s1" and m["lang"] == "ja"]
    assert edited[mention["start"]:mention["end"]] == tokyo_ja
    assert client.get(f"/v1/briefs/{body['id']}").get_json() == after


def test_an_edit_that_drops_an_entity_flags_it(client):
    body = _store(client)
    after = client.patch(f"/v1/briefs/{body['id']}/segments/s1", json={"lang": "ko", "text": "월요일 회의."}).get_json()
    missing = [(w["segment"], w["lang"]) for w in after["meta"]["warnings"] if w["code"] == "entity-missing"]
    assert missing == [("s1", "ko")]
    assert not [m for e in after["entities"] for m in e["mentions"] if m["segment"] == "s1" and m["lang"] == "ko"]


def test_an_edit_feeds_the_named_memory(client):
    body = _store(client)
    client.patch(f"/v1/briefs/{body['id']}/segments/s2", json={"lang": "ko", "text": "무역과 안보를 논의했다.",
                                                                 "memory": "desk"})
    memories = client.get("/v1/memories").get_json()["memories"]
    assert [(m["name"], m["unit_count"]) for m in memories] == [("desk", 1)]


@pytest.mark.parametrize(("path", "payload", "status"), [
    ("/v1/briefs/nope/segments/s1", {"lang": "ja", "text": "x"}, 404),
    ("/v1/briefs/{id}/segments/s99", {"lang": "ja", "text": "x"}, 404),
    ("/v1/briefs/{id}/segments/s1", {"lang": "fr", "text": "x"}, 422),
    ("/v1/briefs/{id}/segments/s1", {"lang": "ja", "text": "   "}, 422),
    ("/v1/briefs/{id}/segments/s1", {"lang": "ja"}, 422),
    ("/v1/briefs/{id}/segments/s1", {"lang": "ja", "text": "x" * 5001}, 422),
    ("/v1/briefs/{id}/segments/s1", {"lang": "ja", "text": "x", "memory": "bad/name"}, 422),
], ids=["unknown-brief", "unknown-segment", "language-not-in-brief", "blank-text", "no-text", "too-long",
        "bad-memory-name"])
def test_bad_edits_are_refused_and_change_nothing(client, path, payload, status):
    body = _store(client)
    response = client.patch(path.format(id=body["id"]), json=payload)
    assert_problem(response, status)
    assert client.get(f"/v1/briefs/{body['id']}").get_json()["version"] == 1


def test_unknown_stored_brief_is_404(client):
    assert_problem(client.get("/v1/briefs/0123abcd"), 404, "brief-not-found")
