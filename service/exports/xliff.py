"""XLIFF 2.0 and 1.2 through translate-toolkit: one file per target language, one unit per segment,
the brief's title first as a unit of its own (id ``title``).

The toolkit builds the document (root, file, units, source and target); lxml's element API then
adds what a CAT tool needs: each entity mention wrapped as a protected marker
(2.0: ``<mrk translate="no" type="term" value=ENTITY>``; 1.2: ``<mrk mtype="protected" comment=ENTITY>``),
the segment's provenance and entity notes. A segment the quality signals flag is marked for review
(2.0: ``state="translated" subState="briefs:needs-review"``; 1.2: ``state="needs-review-translation"``)
with one ``qa`` note per flag ("kind: detail") and a ``qa-score`` note; both read back.
Two fix-ups keep 2.0 files schema-conformant: ``<notes>`` is the first child of ``<unit>`` (the toolkit
puts it in ``<segment>``, which the schema forbids) and ``xml:space`` sits on ``<unit>``, not ``<segment>``.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from lxml import etree
from translate.storage import xliff, xliff2

from service.brief import AlignedSegment, Brief
from service.exports.common import (
    XML_SPACE,
    ExchangeFileError,
    ExportedSegment,
    Span,
    fill_inline,
    lang_code,
    parse_xml,
    read_inline,
    segment_spans,
    xml_text,
)

XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
PROVENANCE = "provenance"
MACHINE_NOTE = "mt"  # the model's text, so an import can tell a post-edited target from an untouched one
ENTITY_NOTE = "entity"
QA_NOTE, QA_SCORE_NOTE = "qa", "qa-score"  # one note per quality flag ("kind: detail"), and the score
FILE_ID = "brief"
# XLIFF 2 segment state / XLIFF 1.2 target state: a reviewer's confirmation is final; everything else
# (model text, memory text, an edit not yet confirmed) still needs review. A segment the quality signals
# flag carries a subState saying so; in 1.2, model output they passed is "translated".
STATE2 = {"confirmed": "final"}
STATE12 = {"confirmed": "final"}
UNCONFIRMED2, UNCONFIRMED12 = "translated", "needs-review-translation"
REVIEW_STATE2, REVIEW_SUBSTATE = "translated", "briefs:needs-review"
REVIEW_STATE12, PASSED_MODEL_STATE12 = "needs-review-translation", "translated"


def review_status(segment: AlignedSegment, lang: str) -> str:
    """draft, edited or confirmed (a language the brief has no status for is a draft)."""
    return segment.status.get(lang, "draft")


class Xliff12Unit(xliff.xliffunit):
    """The toolkit's XLIFF 1.x unit, in the 1.2 namespace."""

    namespace = XLIFF12_NS


class Xliff12File(xliff.xlifffile):
    """The toolkit's XLIFF 1.x store, started as a 1.2 document rather than 1.1."""

    XMLskeleton = (f"<?xml version='1.0' ?><xliff version='1.2' xmlns='{XLIFF12_NS}'>"
                   f"<file original='{FILE_ID}' source-language='en' datatype='plaintext'><body/></file></xliff>")
    namespace = XLIFF12_NS
    UnitClass = Xliff12Unit


def _marker2(prefix: str) -> Callable[[Any, int, Span], Any]:
    """XLIFF 2: a protected term annotation naming its entity; ids unique within the unit."""
    def make(parent: Any, n: int, span: Span) -> Any:
        return etree.SubElement(parent, f"{{{XLIFF2_NS}}}mrk", id=f"{prefix}{n}", translate="no", type="term",
                                value=xml_text(span.source))
    return make


def _marker12(parent: Any, n: int, span: Span) -> Any:
    """XLIFF 1.2: a protected marker naming its entity in ``comment``."""
    return etree.SubElement(parent, f"{{{XLIFF12_NS}}}mrk", mtype="protected", mid=f"m{n}",
                            comment=xml_text(span.source))


def write_xliff2(brief: Brief, lang: str) -> bytes:
    """An XLIFF 2.0 document of ``brief`` for target language ``lang``."""
    source_lang = brief.meta.source_lang or "en"
    store = xliff2.Xliff2File(sourcelanguage=source_lang, targetlanguage=lang)
    store.body.set("id", FILE_ID)
    spans = segment_spans(brief)
    for segment in brief.units():
        unit = store.addsourceunit(xml_text(segment.en))
        unit.setid(segment.id)
        unit.settarget(xml_text(segment.translations.get(lang, "")), lang=lang)
        seg_el, unit_el = unit.xmlelement, unit.getunitelement()
        unit_el.set("id", segment.id)
        seg_el.attrib.pop(XML_SPACE, None)
        unit_el.set(XML_SPACE, "preserve")
        status = review_status(segment, lang)
        seg_el.set("state", STATE2.get(status, UNCONFIRMED2))
        if status != "confirmed" and _needs_review(segment, lang):
            seg_el.set("state", REVIEW_STATE2)
            seg_el.set("subState", REVIEW_SUBSTATE)
        ns = f"{{{XLIFF2_NS}}}"
        for part, part_lang, text in (("source", source_lang, segment.en),
                                      ("target", lang, segment.translations.get(lang, ""))):
            fill_inline(seg_el.find(ns + part), text, spans.get((segment.id, part_lang), []), _marker2(part[0]))
        notes = etree.Element(ns + "notes")
        for category, text in _notes(brief, segment, lang):
            etree.SubElement(notes, ns + "note", category=category).text = xml_text(text)
        unit_el.insert(0, notes)
    return bytes(store)


def write_xliff12(brief: Brief, lang: str) -> bytes:
    """An XLIFF 1.2 document of ``brief`` for target language ``lang``."""
    source_lang = brief.meta.source_lang or "en"
    store = Xliff12File(sourcelanguage=source_lang, targetlanguage=lang)
    spans = segment_spans(brief)
    for segment in brief.units():
        unit = store.addsourceunit(xml_text(segment.en), filename=FILE_ID)
        unit.settarget(xml_text(segment.translations.get(lang, "")), lang=lang)
        element = unit.xmlelement
        element.set("id", segment.id)
        status = review_status(segment, lang)
        element.set("approved", "yes" if status == "confirmed" else "no")
        ns = f"{{{XLIFF12_NS}}}"
        for part, part_lang, text in (("source", source_lang, segment.en),
                                      ("target", lang, segment.translations.get(lang, ""))):
            fill_inline(element.find(ns + part), text, spans.get((segment.id, part_lang), []), _marker12)
        element.find(ns + "target").set("state", _state12(segment, lang, status))
        for category, text in _notes(brief, segment, lang):
            etree.SubElement(element, ns + "note", **{"from": category}).text = xml_text(text)
    return bytes(store)


def _needs_review(segment: AlignedSegment, lang: str) -> bool:
    quality = segment.quality.get(lang)
    return quality is not None and quality.needs_review


def _state12(segment: AlignedSegment, lang: str, status: str) -> str:
    """1.2 target state: final once confirmed; flagged segments need review; model output the quality
    signals passed is translated; anything else unconfirmed needs review."""
    if status == "confirmed":
        return STATE12[status]
    if _needs_review(segment, lang):
        return REVIEW_STATE12
    if segment.provenance.get(lang, "model") == "model" and lang in segment.quality:
        return PASSED_MODEL_STATE12
    return UNCONFIRMED12


def _notes(brief: Brief, segment: AlignedSegment, lang: str) -> list[tuple[str, str]]:
    provenance = segment.provenance.get(lang, "model")
    notes = [(PROVENANCE, provenance)]
    quality = segment.quality.get(lang)
    if quality is not None:
        notes.append((QA_SCORE_NOTE, f"{quality.score:g}"))
        notes += [(QA_NOTE, f"{flag.kind}: {flag.detail}") for flag in quality.flags]
    if provenance == "model" and segment.translations.get(lang):
        notes.append((MACHINE_NOTE, segment.translations[lang]))
    for entity in brief.entities:
        if any(m.segment == segment.id for m in entity.mentions):
            where = entity.glossary or entity.resolution
            rendering = entity.renderings.get(lang)
            notes.append((ENTITY_NOTE, f"{entity.source} ({entity.type}, {where})"
                                       + (f" = {rendering}" if rendering else "")))
    return notes


def read_xliff(data: bytes, file: str | None = None) -> tuple[str, str, list[ExportedSegment]]:
    """Source language, target language and segments of an XLIFF 2.x or 1.x file."""
    root = parse_xml(data, "XLIFF", file)
    if root.tag.rpartition("}")[2] != "xliff":
        raise ExchangeFileError(f"not an XLIFF file: root element is <{root.tag}>", line=root.sourceline, file=file)
    version = root.get("version", "")
    try:
        store = (xliff2.Xliff2File if version.startswith("2") else xliff.xlifffile).parsestring(bytes(data))
    except Exception as exc:  # noqa: BLE001 - the toolkit raises assorted errors on odd files
        raise ExchangeFileError(f"unreadable XLIFF: {exc}", file=file) from None
    if version.startswith("2"):
        return _read2(store, root, file)
    return _read12(store, file)


def _read2(store: Any, root: Any, file: str | None) -> tuple[str, str, list[ExportedSegment]]:
    source_lang, target_lang = lang_code(root.get("srcLang")), lang_code(root.get("trgLang"))
    if not source_lang:
        raise ExchangeFileError("the <xliff> element has no srcLang", line=root.sourceline, file=file)
    ns = store.namespace
    marker = f"{{{ns}}}mrk"
    out = []
    for unit in store.units:
        unit_el = unit.getunitelement()
        uid = unit_el.get("id") or ""
        source_el, target_el = unit.xmlelement.find(f"{{{ns}}}source"), unit.xmlelement.find(f"{{{ns}}}target")
        if source_el is None:
            raise ExchangeFileError("segment has no <source>", line=unit.xmlelement.sourceline, unit=uid, file=file)
        segment = ExportedSegment(id=uid)
        _put(segment, source_lang, source_el, marker, lambda m: m.get("value"))
        if target_el is not None:
            _put(segment, target_lang, target_el, marker, lambda m: m.get("value"))
            segment.needs_review[target_lang] = unit.xmlelement.get("subState") == REVIEW_SUBSTATE
            notes = unit_el.find(f"{{{ns}}}notes")
            for note in [] if notes is None else notes:
                _note(segment, target_lang, note.get("category"), note.text)
        out.append(segment)
    return source_lang, target_lang, out


def _read12(store: Any, file: str | None) -> tuple[str, str, list[ExportedSegment]]:
    ns = store.namespace
    marker = f"{{{ns}}}mrk"
    out = []
    for unit in store.units:
        element = unit.xmlelement
        file_el = next((a for a in element.iterancestors(f"{{{ns}}}file")), None)
        source_lang = lang_code(file_el.get("source-language") if file_el is not None else None)
        target_lang = lang_code(file_el.get("target-language") if file_el is not None else None)
        uid = element.get("id") or ""
        if not source_lang:
            raise ExchangeFileError("the <file> element has no source-language", unit=uid, file=file)
        source_el = element.find(f"{{{ns}}}source")
        if source_el is None:
            raise ExchangeFileError("trans-unit has no <source>", line=element.sourceline, unit=uid, file=file)
        segment = ExportedSegment(id=uid)
        _put(segment, source_lang, source_el, marker, lambda m: m.get("comment"))
        target_el = element.find(f"{{{ns}}}target")
        if target_el is not None:
            if not target_lang:
                target_lang = lang_code(target_el.get("{http://www.w3.org/XML/1998/namespace}lang"))
            if not target_lang:
                raise ExchangeFileError("no target-language for this unit", line=element.sourceline, unit=uid,
                                        file=file)
            _put(segment, target_lang, target_el, marker, lambda m: m.get("comment"))
            segment.needs_review[target_lang] = target_el.get("state") == REVIEW_STATE12
            for note in element.iterchildren(f"{{{ns}}}note"):
                _note(segment, target_lang, note.get("from"), note.text)
        out.append(segment)
    source = next((lang for s in out for lang in s.texts), "")
    target = next((lang for s in out for lang in s.texts if lang != source), "")
    return source, target, out


def _note(segment: ExportedSegment, lang: str, category: str | None, text: str | None) -> None:
    if category == PROVENANCE and text:
        segment.provenance[lang] = text.strip()
    elif category == MACHINE_NOTE and text is not None:
        segment.machine[lang] = text
    elif category == QA_NOTE and text:
        kind, _, detail = text.partition(": ")
        segment.qa_flags.setdefault(lang, []).append((kind, detail))
    elif category == QA_SCORE_NOTE and text:
        with contextlib.suppress(ValueError):  # a hand-edited note; the score is only informative
            segment.qa_score[lang] = float(text)


def _put(segment: ExportedSegment, lang: str, element: Any, marker: str, entity_of: Any) -> None:
    text, spans = read_inline(element, marker, entity_of)
    segment.texts[lang] = text
    if spans:
        segment.spans[lang] = spans
