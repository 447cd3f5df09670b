"""/v1/memories: import XLIFF/TMX bodies, list, get as TMX, delete; bad bodies refused, store unchanged."""
from __future__ import annotations

import pytest

from service.brief import AlignedSegment, Brief, BriefMeta
from service.exports import export_brief
from service.memory.files import read_memory_file
from tests.service.api.helpers import assert_problem

XLIFF2, XLIFF12, TMX = "application/xliff+xml", "application/x-xliff+xml", "application/x-tmx+xml"


def _file(fmt: str) -> bytes:
    brief = Brief(segments=[AlignedSegment("s1", 0, "Rain fell on the harbor.", {"ja": "港に雨が降った。"},
                                           {"ja": "edited"})],
                  entities=[], meta=BriefMeta(target_langs=["ja"]))
    return export_brief(brief, fmt)[0][1]


@pytest.mark.parametrize(("fmt", "mimetype"), [("xliff", XLIFF2), ("xliff12", XLIFF12), ("tmx", TMX),
                                           ("xliff", "application/xml"), ("tmx", "text/xml")])
def test_import_then_list_get_and_delete(client, fmt, mimetype):
    response = client.post("/v1/memories/desk", data=_file(fmt), content_type=mimetype)
    assert response.status_code == 201, response.data
    assert response.get_json()["unit_count"] == 1
    assert response.get_json()["pairs"] == ["en-ja"]
    listed = client.get("/v1/memories").get_json()["memories"]
    assert [(m["name"], m["unit_count"]) for m in listed] == [("desk", 1)]
    tmx = client.get("/v1/memories/desk")
    assert tmx.status_code == 200
    assert tmx.mimetype == TMX
    assert tmx.headers["Content-Disposition"] == 'attachment; filename="desk.tmx"'
    assert [(u.source, u.target) for u in read_memory_file(tmx.data)] == [("Rain fell on the harbor.",
                                                                          "港に雨が降った。")]
    summary = client.get("/v1/memories/desk", headers={"Accept": "application/json"})
    assert summary.get_json()["name"] == "desk"
    assert client.delete("/v1/memories/desk").status_code == 204
    assert_problem(client.get("/v1/memories/desk"), 404, "memory-not-found")


def test_malformed_body_is_422_naming_the_line_and_changes_nothing(client):
    client.post("/v1/memories/desk", data=_file("tmx"), content_type=TMX)
    body = assert_problem(client.post("/v1/memories/desk", data=_file("tmx")[:-30], content_type=TMX), 422,
                          "exchange-file")
    assert "line" in body["detail"]
    assert client.get("/v1/memories").get_json()["memories"][0]["unit_count"] == 1


def test_file_without_translations_is_422(client):
    data = (b"<xliff version='2.0' xmlns='urn:oasis:names:tc:xliff:document:2.0' srcLang='en' trgLang='ja'>"
            b"<file id='f'><unit id='u1'><segment><source>Hi.</source></segment></unit></file></xliff>")
    body = assert_problem(client.post("/v1/memories/desk", data=data, content_type=XLIFF2), 422, "exchange-file")
    assert "no translated units" in body["detail"]


def test_json_body_is_415(client):
    assert_problem(client.post("/v1/memories/desk", json={"units": []}), 415)


def test_bad_name_is_422(client):
    assert_problem(client.post("/v1/memories/bad%20name%20", data=_file("tmx"), content_type=TMX), 422)


def test_unknown_memory_is_404_on_get_and_delete(client):
    assert_problem(client.get("/v1/memories/none"), 404, "memory-not-found")
    assert_problem(client.delete("/v1/memories/none"), 404, "memory-not-found")


def test_unacceptable_accept_is_406(client):
    client.post("/v1/memories/desk", data=_file("tmx"), content_type=TMX)
    assert_problem(client.get("/v1/memories/desk", headers={"Accept": "image/png"}), 406)

