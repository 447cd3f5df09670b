"""TBX of the entities a brief used: its glossary entries and the names it learned.

Written and read by the glossary layer's TBX code (translate-toolkit underneath), so a
brief's TBX imports straight into a named glossary. Where each rendering came from
(``glossary NAME``, ``learned``) travels in the entry's ``source`` descrip.
"""
from __future__ import annotations

from service.brief import Brief, EntityReport
from service.exports.common import xml_text
from service.glossary.formats_tbx import parse_tbx, serialise_tbx
from service.glossary.model import ENTRY_TYPES, GlossaryEntry


def brief_entries(brief: Brief) -> list[GlossaryEntry]:
    """Glossary entries for every entity of ``brief`` that has at least one rendering."""
    entries = []
    for entity in brief.entities:
        renderings = {lang: xml_text(text) for lang, text in entity.renderings.items() if text.strip()}
        if not renderings or not entity.source.strip():
            continue
        entries.append(GlossaryEntry(
            source=xml_text(entity.source), renderings=renderings,
            type=entity.type if entity.type in ENTRY_TYPES else "term", source_ref=_origin(entity),
        ))
    return entries


def _origin(entity: EntityReport) -> str:
    return f"glossary {entity.glossary}" if entity.glossary else entity.resolution


def write_tbx(brief: Brief) -> bytes:
    """A TBX document of the brief's entities (no ``termEntry`` when it used none)."""
    return serialise_tbx(brief_entries(brief), source_lang=brief.meta.source_lang or "en")


def read_tbx(data: bytes, *, source_lang: str = "en", file: str | None = None) -> list[GlossaryEntry]:
    """The entries of a TBX file; an empty list for a TBX with no ``termEntry``."""
    from lxml import etree

    from service.glossary.formats_tbx import check_xml

    check_xml(data, file)
    root = etree.fromstring(bytes(data), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    if not any(etree.QName(e).localname in ("termEntry", "conceptEntry") for e in root.iter(etree.Element)):
        return []
    return parse_tbx(data, source_lang=source_lang, file=file)
