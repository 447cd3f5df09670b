"""From a raw article to checked text: UTF-8 decoding, HTML main text (trafilatura), the limits."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from service.batch.errors import BinaryContentError, NoMainTextError
from service.batch.inputs import RawArticle
from service.errors import BriefsError
from service.pipeline import decode_text, validate_article

_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Article:
    """An article ready for the pipeline (``text``) or already failed (``error``)."""

    id: str
    source: str
    sha256: str
    text: str | None = None
    error: BriefsError | None = None


def input_sha256(raw: RawArticle) -> str:
    """The sha256 of the article's input bytes (a file, member, JSON line or WARC payload)."""
    return hashlib.sha256(raw.data).hexdigest()


def prepare(raw: RawArticle, sha256: str, max_chars: int) -> Article:
    """The article's text, checked by the pipeline's own validation; a typed error otherwise."""
    if raw.error is not None:
        return Article(raw.id, raw.source, sha256, error=raw.error)
    try:
        if raw.text is not None:
            text = raw.text
        elif raw.kind == "html":
            text = html_main_text(raw.data, raw.id)
        else:
            text = plain_text(raw.data, raw.id)
        return Article(raw.id, raw.source, sha256, text=validate_article(text, max_chars))
    except BriefsError as exc:
        return Article(raw.id, raw.source, sha256, error=exc)


def plain_text(data: bytes, name: str) -> str:
    """UTF-8 text (BOM allowed); binary content and other encodings are refused."""
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise BinaryContentError(f"{name} contains NUL bytes: binary content, not text")
    return decode_text(data, origin=name)


def html_main_text(data: bytes, name: str) -> str:
    """The main text of an HTML page (navigation, footers and boilerplate left out)."""
    import trafilatura

    if b"\x00" in data[:_SNIFF_BYTES]:
        raise BinaryContentError(f"{name} contains NUL bytes: binary content, not HTML")
    text = trafilatura.extract(data, include_comments=False, include_tables=False)
    if not text or not text.strip():
        raise NoMainTextError(f"{name}: no main text found in the HTML page")
    return text
