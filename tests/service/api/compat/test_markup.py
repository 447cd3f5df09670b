"""Tag handling: markup is copied byte for byte, only text runs change."""
from __future__ import annotations

import pytest

from service.api.compat.markup import parse_markup


def shout(source: str, *, mode: str = "html", ignore: tuple[str, ...] = ()) -> str:
    marked = parse_markup(source, mode=mode, ignore_tags=ignore)
    return marked.render([t.upper() for t in marked.texts()])


@pytest.mark.parametrize(("source", "expected"), [
    ("plain text", "PLAIN TEXT"),
    ("<p>Hello <b>world</b>.</p>", "<p>HELLO <b>WORLD</b>.</p>"),
    ('<p class="a" data-x=\'1\'>Hi</p>', '<p class="a" data-x=\'1\'>HI</p>'),
    ("<br/>tail", "<br/>TAIL"),
    ("<!-- note --><p>x</p>", "<!-- note --><p>X</p>"),
    ("<!DOCTYPE html><html><body>a</body></html>", "<!DOCTYPE html><html><body>A</body></html>"),
    ("<p>fish &amp; chips</p>", "<p>FISH &amp; CHIPS</p>"),
    ("<p>  spaced  </p>\n", "<p>  SPACED  </p>\n"),
    ("<script>var a = 'x';</script>text", "<script>var a = 'x';</script>TEXT"),
    ("<style>p { color: red }</style>", "<style>p { color: red }</style>"),
    ('<p translate="no">Acme <b>Corp</b></p><p>go</p>', '<p translate="no">Acme <b>Corp</b></p><p>GO</p>'),
    ("<p>1234</p>", "<p>1234</p>"),
])
def test_html_keeps_markup_and_changes_only_text(source, expected):
    assert shout(source) == expected


@pytest.mark.parametrize(("source", "ignore", "expected"), [
    ("<d><t>a</t><x>b</x></d>", ("x",), "<d><t>A</t><x>b</x></d>"),
    ("<d><x>keep <i>me</i> too</x> go</d>", ("x",), "<d><x>keep <i>me</i> too</x> GO</d>"),
    ("<ns:t id='1'>a</ns:t>", (), "<ns:t id='1'>A</ns:t>"),
    ("<?xml version='1.0'?><t>a</t>", (), "<?xml version='1.0'?><t>A</t>"),
    ("<t><![CDATA[raw]]>a</t>", (), "<t><![CDATA[raw]]>A</t>"),
])
def test_xml_ignore_tags(source, ignore, expected):
    assert shout(source, mode="xml", ignore=ignore) == expected


def test_translations_are_escaped_back_into_markup():
    marked = parse_markup("<p>a</p>")
    assert marked.render(["<b> & co"]) == "<p>&lt;b&gt; &amp; co</p>"


def test_texts_are_unescaped_and_stripped():
    assert parse_markup("<p> fish &amp; chips </p>").texts() == ["fish & chips"]
