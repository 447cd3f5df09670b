"""TMX 1.4b through translate-toolkit: one ``tu`` per segment with a ``tuv`` for every language.

``tuid`` is the segment id (``title`` for the brief's title, the first ``tu``); each target ``tuv``
carries ``<prop type="x-provenance">``, and each
entity mention a ``<prop type="x-entity">START:END ENTITY</prop>`` (character offsets in that
``tuv``'s text), so segments stay plain text for any TM tool. A target the quality signals flag
carries ``<prop type="x-needs-review">yes</prop>`` and one ``x-quality-flag`` prop per flag.
"""
from __future__ import annotations

from typing import Any

from service.brief import Brief
from service.exports.common import (
    XML_LANG,
    ExchangeFileError,
    ExportedSegment,
    Span,
    lang_code,
    parse_xml,
    segment_spans,
    xml_text,
)

PROVENANCE_PROP = "x-provenance"
ENTITY_PROP = "x-entity"
REVIEW_PROP, FLAG_PROP = "x-needs-review", "x-quality-flag"


def _tmx_module() -> Any:
    from translate.storage import tmx

    return tmx


def write_tmx(brief: Brief) -> bytes:
    """A TMX 1.4b document with every segment of ``brief`` in every language."""
    from lxml import etree

    tmx = _tmx_module()
    source_lang = brief.meta.source_lang or "en"
    langs = list(brief.meta.target_langs) or sorted({lang for s in brief.units() for lang in s.translations})
    store = tmx.tmxfile(sourcelanguage=source_lang)
    spans = segment_spans(brief)
    for segment in brief.units():
        unit = store.addsourceunit(xml_text(segment.en))
        unit.xmlelement.set("tuid", segment.id)
        for lang in langs:
            if lang in segment.translations:
                unit.xmlelement.append(unit.createlanguageNode(lang, xml_text(segment.translations[lang]), "target"))
        for tuv in unit.getlanguageNodes():
            lang = tuv.get(XML_LANG)
            props = []
            if lang != source_lang:
                props.append((PROVENANCE_PROP, segment.provenance.get(lang, "model")))
                quality = segment.quality.get(lang)
                if quality is not None and quality.needs_review:
                    props.append((REVIEW_PROP, "yes"))
                    props += [(FLAG_PROP, f"{flag.kind}: {flag.detail}") for flag in quality.flags]
            props += [(ENTITY_PROP, f"{s.start}:{s.end} {s.source}") for s in spans.get((segment.id, lang), [])]
            for n, (kind, value) in enumerate(props):
                prop = etree.Element(unit.namespaced("prop"), type=kind)
                prop.text = xml_text(value)
                tuv.insert(n, prop)
    return bytes(store)


def read_tmx(data: bytes, file: str | None = None) -> tuple[str, list[ExportedSegment]]:
    """The source language and the segments (every language of every ``tu``) of a TMX file."""
    root = parse_xml(data, "TMX", file)
    if root.tag != "tmx":
        raise ExchangeFileError(f"not a TMX file: root element is <{root.tag}>", line=root.sourceline, file=file)
    header = root.find("header")
    if header is None:
        raise ExchangeFileError("TMX file has no <header>", line=root.sourceline, file=file)
    raw = header.get("srclang") or ""
    source_lang = "en" if raw in ("", "*all*") else lang_code(raw)
    try:
        store = _tmx_module().tmxfile.parsestring(bytes(data))
    except Exception as exc:  # noqa: BLE001 - the toolkit raises assorted errors on odd files
        raise ExchangeFileError(f"unreadable TMX: {exc}", file=file) from None
    out = []
    for n, unit in enumerate(store.units, 1):
        element = unit.xmlelement
        segment = ExportedSegment(id=element.get("tuid") or f"tu{n}")
        for tuv in unit.getlanguageNodes():
            lang = lang_code(tuv.get(XML_LANG) or tuv.get("lang"))
            seg = tuv.find("seg")
            if not lang or seg is None:
                raise ExchangeFileError("a <tuv> needs xml:lang and a <seg>", line=tuv.sourceline,
                                        unit=segment.id, file=file)
            segment.texts[lang] = "".join(seg.itertext())
            for prop in tuv.iterchildren("prop"):
                _read_prop(segment, lang, prop)
        out.append(segment)
    return source_lang, out


def _read_prop(segment: ExportedSegment, lang: str, prop: Any) -> None:
    kind, value = prop.get("type"), prop.text or ""
    if kind == PROVENANCE_PROP:
        segment.provenance[lang] = value.strip()
    elif kind == ENTITY_PROP:
        offsets, _, source = value.partition(" ")
        start, _, end = offsets.partition(":")
        if start.isdigit() and end.isdigit() and source:
            segment.spans.setdefault(lang, []).append(Span(int(start), int(end), source))
    elif kind == REVIEW_PROP:
        segment.needs_review[lang] = value.strip() == "yes"
    elif kind == FLAG_PROP and value:
        flag, _, detail = value.partition(": ")
        segment.qa_flags.setdefault(lang, []).append((flag, detail))
