"""From raw bytes to checked text: encodings, binary content, HTML main text."""
from __future__ import annotations

import pytest

from service.batch.extract import input_sha256, prepare
from service.batch.inputs import RawArticle
from tests.service.batch.articles import html_page, make_articles


@pytest.mark.parametrize(("data", "kind", "code"), [
    (b"Caf\xe9 society.", "text", "bad-encoding"),
    (b"\x00\x00binary", "text", "binary-content"),
    (b"", "text", "empty-text"),
    (b"<html><body></body></html>", "html", "no-main-text"),
    (b"A" * 50, "text", "text-too-long"),
])
def test_bad_articles_get_a_typed_reason(data, kind, code):
    raw = RawArticle("a", "a", data, kind)
    article = prepare(raw, input_sha256(raw), max_chars=40)
    assert article.text is None
    assert article.error.code == code


def test_html_main_text_leaves_navigation_out():
    text = make_articles(1)[0]
    raw = RawArticle("a.html", "a.html", html_page(text).encode(), "html")
    article = prepare(raw, input_sha256(raw), max_chars=10_000)
    assert article.text.split("\n") == [s.strip() + "." for s in text.rstrip(".").split(".")]
    assert "About us" not in article.text
    assert "Regional News Service" not in article.text


def test_utf8_bom_is_accepted():
    raw = RawArticle("a", "a", "\ufeffOfficials met.".encode(), "text")
    assert prepare(raw, input_sha256(raw), 100).text == "Officials met."
