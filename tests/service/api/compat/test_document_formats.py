"""Each document format reads its texts and writes translations back in place."""
from __future__ import annotations

import io

import docx
import pytest

from service.api.compat.document_formats import format_of, read_document
from service.api.compat.errors import PeerError

XLIFF = b"""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="brief.txt" source-language="en" datatype="plaintext"><body>
<trans-unit id="1"><source>Officials met in Tokyo.</source></trans-unit>
<trans-unit id="2"><source>The talks continue.</source></trans-unit>
</body></file></xliff>"""


def roundtrip(data: bytes, fmt: str) -> tuple[list[str], bytes]:
    document = read_document(data, fmt, "ja")
    return document.texts, document.render([f"[{t}]" for t in document.texts])


def test_txt_keeps_lines():
    texts, out = roundtrip(b"One.\n\nTwo.\n", "txt")
    assert texts == ["One.", "", "Two.", ""]
    assert out.decode() == "[One.]\n[]\n[Two.]\n[]"


def test_html_keeps_markup():
    texts, out = roundtrip(b"<html><body><h1>Title</h1><p>Body <i>text</i></p></body></html>", "html")
    assert texts == ["Title", "Body", "text"]
    assert out == b"<html><body><h1>[Title]</h1><p>[Body] <i>[text]</i></p></body></html>"


def test_docx_keeps_paragraph_styles_and_tables():
    document = docx.Document()
    document.add_heading("Title", level=1)
    paragraph = document.add_paragraph("Body ")
    paragraph.add_run("bold").bold = True
    document.add_table(rows=1, cols=1).cell(0, 0).text = "Cell"
    buffer = io.BytesIO()
    document.save(buffer)
    texts, out = roundtrip(buffer.getvalue(), "docx")
    assert texts == ["Title", "Body bold", "Cell"]
    translated = docx.Document(io.BytesIO(out))
    assert [(p.style.name, p.text) for p in translated.paragraphs] == [("Heading 1", "[Title]"),
                                                                       ("Normal", "[Body bold]")]
    assert translated.tables[0].cell(0, 0).text == "[Cell]"


def test_xliff_gets_targets_awaiting_review():
    texts, out = roundtrip(XLIFF, "xlf")
    assert texts == ["Officials met in Tokyo.", "The talks continue."]
    from translate.storage import xliff

    store = xliff.xlifffile.parsestring(out)
    assert [u.target for u in store.units] == ["[Officials met in Tokyo.]", "[The talks continue.]"]
    assert not any(u.isapproved() for u in store.units)
    assert b'target-language="ja"' in out


@pytest.mark.parametrize(("name", "head", "fmt"), [
    ("a.TXT", b"", "txt"), ("a.htm", b"", "html"), ("a.xliff", b"", "xlf"), ("a.docx", b"", "docx"),
    ("", b"PK\x03\x04rest", "docx"), ("stream", b"<?xml version='1.0'?><xliff>", "xlf"),
    ("", b"<!DOCTYPE html><html>", "html"),
])
def test_format_from_name_or_content(name, head, fmt):
    assert format_of(name, head) == fmt


@pytest.mark.parametrize("name", ["a.pdf", "a", "a.doc"])
def test_unsupported_formats_are_400(name):
    with pytest.raises(PeerError) as caught:
        format_of(name, b"plain")
    assert caught.value.status == 400


@pytest.mark.parametrize(("data", "fmt"), [(b"\xff\xfe bad", "txt"), (b"not a zip", "docx"), (b"<xliff><oops", "xlf"),
                                       (b'<?xml version="1.0"?><xliff version="1.2"></xliff>', "xlf")])
def test_invalid_files_are_400(data, fmt):
    with pytest.raises(PeerError) as caught:
        read_document(data, fmt, "ja")
    assert caught.value.status == 400
