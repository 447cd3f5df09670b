"""What the exchange formats share: safe XML parsing, entity spans, inline markers, read-back shapes."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from service.brief import Brief
from service.errors import BadInputError

MAX_FILE_BYTES = 50_000_000
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Characters XML 1.0 cannot carry at all; each becomes U+FFFD so offsets still hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class ExchangeFileError(BadInputError):
    """An XLIFF or TMX file that cannot be read; ``line`` or ``unit`` names where."""

    code, title = "exchange-file", "Unreadable XLIFF or TMX file"

    def __init__(self, detail: str, *, line: int | None = None, unit: str | None = None,
                 file: str | None = None) -> None:
        where = ", ".join(p for p in (file and f"file {file}", line and f"line {line}",
                                      unit and f"unit {unit}") if p)
        super().__init__(f"{where}: {detail}" if where else detail, line=line, unit=unit, file=file)
        self.line = line
        self.unit = unit


@dataclass(frozen=True)
class Span:
    """One entity mention inside a text: characters ``start:end`` name entity ``source``."""

    start: int
    end: int
    source: str


@dataclass
class ExportedSegment:
    """One segment as read back from an exchange file."""

    id: str
    texts: dict[str, str] = field(default_factory=dict)  # lang -> text, the source language included
    provenance: dict[str, str] = field(default_factory=dict)
    spans: dict[str, list[Span]] = field(default_factory=dict)  # lang -> entity spans
    # The machine translation as exported (lang -> text): a target still equal to it was not post-edited.
    machine: dict[str, str] = field(default_factory=dict)
    # Quality signals as exported (lang -> ...): marked for review, the flags (kind, detail), the score.
    needs_review: dict[str, bool] = field(default_factory=dict)
    qa_flags: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    qa_score: dict[str, float] = field(default_factory=dict)


def xml_text(text: str) -> str:
    """``text`` with XML-illegal control characters replaced one for one (offsets stay valid)."""
    return _NOT_XML.sub("\ufffd", text)


def segment_spans(brief: Brief) -> dict[tuple[str, str], list[Span]]:
    """Entity spans per (segment id, lang) of every unit (the title included), sorted, in bounds and never
    overlapping."""
    source_lang = brief.meta.source_lang or "en"
    units = brief.units()
    texts = {(s.id, source_lang): s.en for s in units}
    texts.update({(s.id, lang): text for s in units for lang, text in s.translations.items()})
    found: dict[tuple[str, str], list[Span]] = {}
    for entity in brief.entities:
        for m in entity.mentions:
            lang = source_lang if m.lang == "en" else m.lang
            text = texts.get((m.segment, lang))
            if text is None or not 0 <= m.start < m.end <= len(text):
                continue
            found.setdefault((m.segment, lang), []).append(Span(m.start, m.end, entity.source))
    out = {}
    for key, spans in found.items():
        kept: list[Span] = []
        for span in sorted(spans, key=lambda s: (s.start, -s.end)):
            if not kept or span.start >= kept[-1].end:
                kept.append(span)
        out[key] = kept
    return out


def fill_inline(element: Any, text: str, spans: Iterable[Span],
                marker: Callable[[Any, int, Span], Any]) -> None:
    """Put ``text`` into ``element`` with each span wrapped in the element ``marker`` makes."""
    text = xml_text(text)
    for child in list(element):
        element.remove(child)
    element.text, last, previous = "", 0, None
    for n, span in enumerate(spans, 1):
        if previous is None:
            element.text = text[last:span.start]
        else:
            previous.tail = text[last:span.start]
        previous = marker(element, n, span)
        previous.text = text[span.start:span.end]
        last = span.end
    if previous is None:
        element.text = text
    else:
        previous.tail = text[last:]


def read_inline(element: Any, marker_tag: str, entity_of: Callable[[Any], str | None]) -> tuple[str, list[Span]]:
    """Plain text of ``element`` and the spans of its marker elements (other inline codes flatten)."""
    parts = [element.text or ""]
    spans = []
    for child in element:
        start = sum(len(p) for p in parts)
        inner = "".join(child.itertext())
        parts.append(inner)
        source = entity_of(child) if child.tag == marker_tag else None
        if source:
            spans.append(Span(start, start + len(inner), source))
        parts.append(child.tail or "")
    return "".join(parts), spans


def parse_xml(data: bytes, kind: str, file: str | None = None) -> Any:
    """Parse untrusted XML with entities, DTD loading and network off; refuse entity declarations."""
    from lxml import etree

    if len(data) > MAX_FILE_BYTES:
        raise ExchangeFileError(f"{kind} file larger than {MAX_FILE_BYTES} bytes", file=file)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(bytes(data), parser=parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        raise ExchangeFileError(f"malformed XML: {exc.msg}", line=line, file=file) from None
    tree = root.getroottree()
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ExchangeFileError(f"entity declarations are not allowed in {kind} files", file=file)
    for element in tree.iter(etree.Entity):
        raise ExchangeFileError(f"entity references are not allowed in {kind} files",
                                line=element.sourceline, file=file)
    return root


def lang_code(raw: str | None) -> str:
    """Our two-letter code for an xml:lang such as ``ja``, ``ja-JP`` or ``ko_KR``."""
    return (raw or "").replace("_", "-").split("-")[0].lower()
