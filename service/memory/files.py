"""Translation-memory units from XLIFF (2.x or 1.x) and TMX files, and TMX out."""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from service.errors import UnknownLanguageError
from service.exports.common import ExchangeFileError, ExportedSegment, parse_xml, xml_text
from service.languages import validate_lang

MAX_UNITS = 200_000


@dataclass(frozen=True)
class MemoryUnit:
    """One stored translation: a source sentence and its (human) translation."""

    source_lang: str
    target_lang: str
    source: str
    target: str
    origin: str = ""  # where it came from: file and unit id


@dataclass(frozen=True)
class MemoryMatch:
    """A stored translation for a source sentence; ``score`` 1.0 for an exact match."""

    memory: str
    source: str
    target: str
    score: float


def match_key(text: str) -> str:
    """What an exact match compares: NFC text with runs of whitespace as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def read_memory_file(data: bytes, file: str | None = None) -> list[MemoryUnit]:
    """Every translated unit of an XLIFF or TMX file; ExchangeFileError names the line or unit."""
    root = parse_xml(data, "XLIFF or TMX", file)
    kind = root.tag.rpartition("}")[2]
    if kind == "xliff":
        from service.exports.xliff import read_xliff

        source_lang, target_lang, segments = read_xliff(data, file)
        units = _xliff_units(source_lang, target_lang, segments, file)
    elif kind == "tmx":
        from service.exports.tmx import read_tmx

        source_lang, segments = read_tmx(data, file)
        units = _tmx_units(source_lang, segments, file)
    else:
        raise ExchangeFileError(f"not an XLIFF or TMX file: root element is <{kind}>", line=root.sourceline,
                                file=file)
    if not units:
        raise ExchangeFileError("the file has no translated units (every target is missing, empty, or machine "
                                "output nobody edited)", file=file)
    if len(units) > MAX_UNITS:
        raise ExchangeFileError(f"the file has more than {MAX_UNITS} units", file=file)
    return units


def _lang(code: str, unit: str | None, file: str | None) -> str:
    try:
        return validate_lang(code)
    except UnknownLanguageError as exc:
        raise ExchangeFileError(exc.detail, unit=unit, file=file) from None


def _origin(file: str | None, unit: str) -> str:
    return f"{file or 'upload'}#{unit}"[:200]


def _xliff_units(source_lang: str, target_lang: str, segments: Sequence[ExportedSegment],
                 file: str | None) -> list[MemoryUnit]:
    units = []
    for segment in segments:
        source_lang = _lang(source_lang, segment.id, file)
        source = segment.texts.get(source_lang, "")
        target = next((t for lang, t in segment.texts.items() if lang != source_lang), "")
        if not source.strip() or not target.strip() or segment.machine.get(target_lang) == target:
            continue  # untranslated, or machine output nobody post-edited
        if not target_lang:
            raise ExchangeFileError("no target language (trgLang or target-language)", unit=segment.id, file=file)
        units.append(MemoryUnit(source_lang, _lang(target_lang, segment.id, file), source, target,
                                _origin(file, segment.id)))
    return units


def _tmx_units(source_lang: str, segments: Sequence[ExportedSegment], file: str | None) -> list[MemoryUnit]:
    source_lang = _lang(source_lang, None, file)
    units = []
    for segment in segments:
        source = segment.texts.get(source_lang)
        if source is None:
            raise ExchangeFileError(f"no {source_lang!r} <tuv> in this <tu>", unit=segment.id, file=file)
        for lang, target in segment.texts.items():
            if lang == source_lang or not source.strip() or not target.strip():
                continue
            if segment.provenance.get(lang) == "model":
                continue  # a brief's machine output, not a human translation
            units.append(MemoryUnit(source_lang, _lang(lang, segment.id, file), source, target,
                                    _origin(file, segment.id)))
    return units


def write_memory_tmx(units: Sequence[MemoryUnit]) -> bytes:
    """A TMX 1.4b document: one ``tu`` per source sentence with every stored target language."""
    from translate.storage import tmx

    source_lang = units[0].source_lang if units else "en"
    store = tmx.tmxfile(sourcelanguage=source_lang)
    by_source: dict[tuple[str, str], list[MemoryUnit]] = {}
    for unit in units:
        by_source.setdefault((unit.source_lang, match_key(unit.source)), []).append(unit)
    for group in by_source.values():
        tu = store.addsourceunit(xml_text(group[0].source))
        tu.getlanguageNodes()[0].set("{http://www.w3.org/XML/1998/namespace}lang", group[0].source_lang)
        for unit in group:
            tu.xmlelement.append(tu.createlanguageNode(unit.target_lang, xml_text(unit.target), "target"))
    return bytes(store)
