"""Document formats the compatibility doors translate: .txt, .html, .docx (python-docx), .xlf (translate-toolkit).

Each format reads a file into its translatable texts plus a way to write the file
back with translations in their place; the texts then go through the one pipeline.

Reading is bounded (:class:`DocumentLimits`): a .docx whose parts would expand past
``max_bytes`` is refused from its zip directory before anything is inflated, and every
reader stops at ``max_chars`` characters of text (413, DeepL; 400, LibreTranslate) while
it collects them, checking the request's deadline as it goes. Bidi controls and
NUL/control characters are removed from the texts (and logged) before translation.
"""
from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from service.api.compat.errors import PeerError
from service.api.compat.markup import parse_markup
from service.errors import BriefsError, TextTooLongError
from service.pipeline import decode_text
from service.runtime.request_budget import check_deadline
from service.settings import Limits
from service.text import Removed

log = logging.getLogger(__name__)

MIMETYPES = {
    "txt": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlf": "application/xliff+xml",
}
ALIASES = {"htm": "html", "xliff": "xlf"}
# A translated file as /openapi.json describes it: one media type per format.
DOCUMENT_CONTENT = {mt.split(";")[0]: {"schema": {"type": "string", "format": "binary"}} for mt in MIMETYPES.values()}
# An upload's ``file`` part as /openapi.json describes it: the formats, told apart by the file name.
UPLOAD_FILE = {"type": "string", "format": "binary",
               "description": "a .txt, .htm/.html, .docx or .xlf/.xliff file (by its name's extension; a "
                              "file without one is recognised by its first bytes); other files are refused (400)"}
UPLOAD_ENCODING = {"file": {"contentType": ", ".join(mt.split(";")[0] for mt in MIMETYPES.values())}}


class UnsupportedFileType(PeerError):
    """A file whose extension (or, without one, whose first bytes) is none of the formats; each door
    words the refusal as its peer does."""

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix
        self.supported = ", ".join(f".{f}" for f in (*MIMETYPES, *ALIASES))
        super().__init__(400, f"File type not supported: use {self.supported}.")


@dataclass
class Document:
    """A parsed file: its texts in order, and a writer that puts translations back."""

    fmt: str
    texts: list[str]
    render: Callable[[list[str]], bytes]


@dataclass(frozen=True)
class DocumentLimits:
    """How much one document may hold: characters of text, and bytes as parsed (a .docx uncompressed)."""

    max_chars: int
    max_bytes: int

    @classmethod
    def of(cls, limits: Limits, *, max_chars: int | None = None) -> DocumentLimits:
        """The configured bounds (``limits.max_document_chars`` unless ``max_chars`` says otherwise)."""
        return cls(max_chars if max_chars is not None else limits.max_document_chars, limits.max_document_bytes)


CHECK_EVERY = 256  # texts collected between two deadline checks


def too_many_characters(limits: DocumentLimits) -> TextTooLongError:
    return TextTooLongError(f"the document has more than {limits.max_chars} characters of text (the limit); "
                            "split it into smaller documents")


def bounded_texts(texts: Iterable[str], limits: DocumentLimits) -> list[str]:
    """The texts, collected until their characters pass ``limits.max_chars`` (TextTooLongError: nothing more
    is read), without bidi and control characters; the request's deadline is checked as they come."""
    out: list[str] = []
    total = 0
    removed = Removed()
    for count, text in enumerate(texts, 1):
        total += len(text)
        if total > limits.max_chars:
            raise too_many_characters(limits)
        out.append(removed.clean(text))
        if count % CHECK_EVERY == 0:
            check_deadline("reading the document")
    if removed:
        log.warning("document text: %s", removed.message("before translation"))
    return out


def format_of(filename: str, head: bytes = b"") -> str:
    """The document format from a file name's extension, else sniffed from ``head``; 400 when neither."""
    suffix = PurePath(filename or "").suffix.lower().lstrip(".")
    fmt = ALIASES.get(suffix, suffix)
    if fmt not in MIMETYPES and not suffix and head:
        fmt = _sniff(head)
    if fmt not in MIMETYPES:
        raise UnsupportedFileType(suffix)
    return fmt


def _sniff(head: bytes) -> str:
    """A client that sent no file name (e.g. a stream): tell the formats apart by their first bytes."""
    start = head.lstrip()[:512].lower()
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if b"<xliff" in start:
        return "xlf"
    if start.startswith((b"<!doctype html", b"<html")):
        return "html"
    return ""


def read_document(data: bytes, fmt: str, target_lang: str, limits: DocumentLimits | None = None) -> Document:
    """Parse ``data`` as ``fmt`` within ``limits`` (default: the default settings; TextTooLongError past them);
    400 when it is not a valid file of that kind."""
    limits = limits or DocumentLimits.of(Limits())
    readers = {"txt": _text, "html": _html, "docx": _docx, "xlf": _xliff}
    if len(data) > limits.max_bytes:
        raise _too_large(len(data), limits)
    try:
        return readers[fmt](data, target_lang, limits)
    except (PeerError, TextTooLongError):
        raise
    except BriefsError as exc:  # e.g. text that is not UTF-8 (a deadline passes through: 503)
        if exc.status >= 500:
            raise
        raise PeerError(400, exc.detail) from None
    except Exception as exc:  # noqa: BLE001 - any parser failure means the upload is not a valid file
        log.info("could not read an uploaded .%s document: %s", fmt, type(exc).__name__)
        raise PeerError(400, f"The file is not a valid .{fmt} document.") from None


def _too_large(size: int, limits: DocumentLimits) -> TextTooLongError:
    return TextTooLongError(f"the document is {size} bytes as parsed; the limit is {limits.max_bytes} "
                            "(limits.max_document_bytes); split it into smaller documents")


def _text(data: bytes, target_lang: str, limits: DocumentLimits) -> Document:
    lines = bounded_texts(decode_text(data, origin="the document").split("\n"), limits)
    return Document("txt", lines, lambda out: "\n".join(out).encode("utf-8"))


def _html(data: bytes, target_lang: str, limits: DocumentLimits) -> Document:
    marked = parse_markup(decode_text(data, origin="the document"), mode="html")
    return Document("html", bounded_texts(marked.texts(), limits), lambda out: marked.render(out).encode("utf-8"))


def _paragraphs(document: Any) -> Iterator[Any]:
    """Every paragraph of the body, its tables (nested too), headers and footers."""
    def walk(container: Any) -> Iterator[Any]:
        yield from container.paragraphs
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    yield from walk(cell)

    yield from walk(document)
    for section in document.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                yield from walk(part)


def _check_expansion(data: bytes, limits: DocumentLimits) -> None:
    """Refuse a .docx whose parts would inflate past ``limits.max_bytes``, from its zip directory alone.

    The sizes a zip declares bound what Python's zipfile will inflate (it stops at a member's declared
    size), so a lying directory cannot smuggle more past this check.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        return  # python-docx names it an invalid file
    if expanded > limits.max_bytes:
        raise _too_large(expanded, limits)


def _docx(data: bytes, target_lang: str, limits: DocumentLimits) -> Document:
    import docx

    _check_expansion(data, limits)
    document = docx.Document(io.BytesIO(data))
    seen: set[int] = set()
    paragraphs = []
    total = 0
    for count, paragraph in enumerate(_paragraphs(document), 1):
        if count % CHECK_EVERY == 0:
            check_deadline("reading the document")
        # Merged table cells repeat the same paragraph objects' XML; translate each once.
        if id(paragraph._p) in seen or not (text := paragraph.text).strip():
            continue
        seen.add(id(paragraph._p))
        paragraphs.append(paragraph)
        total += len(text)
        if total > limits.max_chars:  # stop walking here: the rest is never read
            raise too_many_characters(limits)

    def render(out: list[str]) -> bytes:
        for paragraph, text in zip(paragraphs, out, strict=True):
            runs = paragraph.runs
            if runs:  # the first run's formatting carries the translated paragraph
                runs[0].text = text
                for run in runs[1:]:
                    run.text = ""
            else:
                paragraph.text = text
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    return Document("docx", bounded_texts((p.text for p in paragraphs), limits), render)


def _xliff(data: bytes, target_lang: str, limits: DocumentLimits) -> Document:
    from translate.storage import xliff

    store = xliff.xlifffile.parsestring(data)
    units = [u for u in store.units if u.istranslatable() and u.source and u.source.strip()]
    if not units:
        raise PeerError(400, "The XLIFF file has no translatable units.")

    def render(out: list[str]) -> bytes:
        for unit, text in zip(units, out, strict=True):
            unit.settarget(text, lang=target_lang)
            unit.markapproved(False)  # machine translation awaits a reviewer
        store.settargetlanguage(target_lang)
        return bytes(store)

    return Document("xlf", bounded_texts((u.source for u in units), limits), render)
