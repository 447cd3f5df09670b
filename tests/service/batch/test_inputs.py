"""Readers: JSONL and JSON records, folders, WARC records, and what each entry is called."""
from __future__ import annotations

import io
import json

import pytest

from service.batch.inputs import ReadOptions, expand
from service.batch.sources import open_input
from service.batch.warc import uri_id
from service.errors import BadInputError
from service.settings import BatchOptions
from tests.service.batch.articles import make_articles, write_warc


def _read(data: bytes, rel: str, **options):
    return list(expand(rel, rel, io.BytesIO(data), ReadOptions(**options)))


def test_jsonl_with_custom_fields_and_bad_lines():
    lines = [json.dumps({"slug": "s-1", "body": "First article text here."}), "", "{not json",
             json.dumps({"slug": "s-3"}), json.dumps(["a list"]), json.dumps({"body": "No slug given."})]
    raws = _read("\n".join(lines).encode(), "cms.jsonl", text_field="body", id_field="slug")
    assert [r.id for r in raws] == ["cms.jsonl/s-1", "cms.jsonl/line-3", "cms.jsonl/s-3",
                                    "cms.jsonl/line-5", "cms.jsonl/line-6"]
    assert raws[0].text == "First article text here."
    assert raws[0].error is None
    assert [r.error.code if r.error else None for r in raws] == [None, "invalid-record", "invalid-record",
                                                                 "invalid-record", None]
    assert raws[1].source == "cms.jsonl:3"


def test_jsonl_line_over_the_limit_fails_alone():
    data = b'{"id": "a", "text": "' + b"x" * 500 + b'"}\n{"id": "b", "text": "Short."}\n'
    raws = _read(data, "a.jsonl", limits=BatchOptions(max_article_bytes=100))
    assert [(r.id, r.error.code if r.error else None) for r in raws] == [
        ("a.jsonl/line-1", "article-too-large"), ("a.jsonl/b", None)]


def test_json_file_holds_one_article_or_a_list():
    single = _read(json.dumps({"text": "One."}).encode(), "one.json")
    assert [(r.id, r.text) for r in single] == [("one.json", "One.")]
    several = _read(json.dumps([{"id": "x", "text": "A."}, {"text": "B."}]).encode(), "many.json")
    assert [r.id for r in several] == ["many.json/x", "many.json/item-2"]


@pytest.mark.parametrize(("name", "kind"), [("a.txt", "text"), ("a.md", "text"), ("a.HTML", "html"),
                                        ("a.htm", "html"), ("a.pdf", "not-article")])
def test_kind_by_extension(name, kind):
    assert _read(b"Some text.", name)[0].kind == kind


def test_file_over_the_limit_is_not_read_whole():
    raw = _read(b"x" * 1000, "big.txt", limits=BatchOptions(max_article_bytes=10))[0]
    assert raw.error.code == "article-too-large"
    assert raw.data == b""


@pytest.mark.parametrize(("uri", "expected"), [
    ("https://press.example.org/releases/1.html", "press.example.org/releases/1.html"),
    ("https://press.example.org/", "press.example.org/index"),
    ("http://a.example/news?id=3&page=2", "a.example/news?id=3&page=2"),
])
def test_warc_ids_from_target_uris(uri, expected):
    assert uri_id(uri) == expected


def test_warc_reads_html_responses_and_ignores_the_rest(tmp_path):
    source = open_input(write_warc(tmp_path / "a.warc.gz", make_articles(3)), ReadOptions())
    assert source.scan() == 3
    raws = list(source.articles())
    assert [r.kind for r in raws] == ["html", "html", "html", "ignored", "ignored"]
    assert raws[0].data.startswith(b"<!DOCTYPE html>")


@pytest.mark.parametrize("name", ["notes.docx", "missing-folder"])
def test_unknown_or_missing_input_is_bad_input(tmp_path, name):
    if name.endswith(".docx"):
        (tmp_path / name).write_bytes(b"PK")
    with pytest.raises(BadInputError):
        open_input(tmp_path / name, ReadOptions())
