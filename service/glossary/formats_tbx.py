"""TBX glossaries through translate-toolkit: one termEntry per entry, one langSet per language.

The source langSet holds the source term first and its aliases as further terms;
each target langSet holds that language's rendering first and its known variants after, then
a person's short rendering as a term marked ``<termNote type="termType">shortForm</termNote>``
(TBX's own mark for a short form). Entry metadata travels as
``<descrip type="entityType|caseSensitive|source">`` and notes as ``<note>``.
Untrusted input is parsed with entity resolution and network access off, and a
document that declares entities is refused outright (no XXE, no entity bombs).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.errors import DependencyMissingError, GlossaryFormatError, UnknownLanguageError
from service.glossary.model import GlossaryEntry
from service.glossary.validation import TermIndex, make_entry
from service.languages import validate_lang

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TYPE_NOTE, CASE_NOTE, REF_NOTE = "entityType", "caseSensitive", "source"
TERM_TYPE, SHORT_FORM = "termType", "shortForm"
MAX_TBX_BYTES = 50_000_000


def _tbx_module() -> Any:
    try:
        from translate.storage import tbx
    except ImportError:
        raise DependencyMissingError("TBX glossaries need translate-toolkit: "
                                     "pip install translate-toolkit") from None
    return tbx


def check_xml(data: bytes, file: str | None = None) -> None:
    """Refuse malformed XML and any entity declaration, naming the line."""
    from lxml import etree

    if len(data) > MAX_TBX_BYTES:
        raise GlossaryFormatError(f"TBX file larger than {MAX_TBX_BYTES} bytes", file=file)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, dtd_validation=False)
    try:
        tree = etree.fromstring(bytes(data), parser=parser).getroottree()
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        raise GlossaryFormatError(f"malformed XML: {exc.msg}", line=line, file=file) from None
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        line = bytes(data)[: max(bytes(data).find(b"<!ENTITY"), 0)].count(b"\n") + 1
        raise GlossaryFormatError("entity declarations are not allowed in TBX files", line=line, file=file)
    for element in tree.iter(etree.Entity):
        raise GlossaryFormatError("entity references are not allowed in TBX files",
                                  line=element.sourceline, file=file)
    root = tree.getroot()
    if etree.QName(root).localname not in ("martif", "tbx"):
        raise GlossaryFormatError(f"not a TBX file: root element is <{root.tag}>", line=root.sourceline,
                                  file=file)


def parse_tbx(data: bytes, *, source_lang: str = "en", target_lang: str | None = None,
              file: str | None = None) -> list[GlossaryEntry]:
    """Entries from a TBX file; with ``target_lang`` only that target language is kept."""
    check_xml(data, file)
    tbx = _tbx_module()
    try:
        store = tbx.tbxfile.parsestring(bytes(data), sourcelanguage=source_lang)
    except Exception as exc:  # noqa: BLE001 - the toolkit raises assorted errors on odd TBX
        raise GlossaryFormatError(f"unreadable TBX: {exc}", file=file) from None
    index = TermIndex(file)
    entries = []
    for unit in store.units:
        line = unit.xmlelement.sourceline
        entry = _unit_entry(unit, source_lang, target_lang, line, file)
        if entry is None:
            continue
        index.add(entry, line)
        entries.append(entry)
    if not entries:
        raise GlossaryFormatError("the file has no term entries", file=file)
    return entries


def _unit_entry(unit: Any, source_lang: str, target_lang: str | None, line: int,
                file: str | None) -> GlossaryEntry | None:
    terms: dict[str, list[str]] = {}
    short_renderings: dict[str, str] = {}
    for node in unit.getlanguageNodes():
        raw = node.get(XML_LANG) or ""
        lang = _lang_of(raw, node.sourceline, file)
        if lang in terms:
            raise GlossaryFormatError(f"language {lang!r} appears twice in one termEntry", line=node.sourceline,
                                      file=file)
        found = [t for t in unit.get_target_terms(raw) if t.text.strip()]
        terms[lang] = [t.text.strip() for t in found if not _is_short_form(t)]
        shorts = [t.text.strip() for t in found if _is_short_form(t)]
        if shorts:
            short_renderings[lang] = shorts[0]
    sources = terms.pop(source_lang, [])
    short_renderings.pop(source_lang, None)
    if not sources:
        raise GlossaryFormatError(f"termEntry has no {source_lang!r} term", line=line, file=file)
    if target_lang is not None:
        terms = {k: v for k, v in terms.items() if k == target_lang}
    short_renderings = {k: v for k, v in short_renderings.items() if terms.get(k)}
    renderings = {lang: values[0] for lang, values in terms.items() if values}
    variants = {lang: tuple(values[1:]) for lang, values in terms.items() if len(values) > 1}
    if not renderings:
        raise GlossaryFormatError(f"empty target: termEntry {sources[0]!r} has no "
                                  f"{target_lang or 'target'} term", line=line, file=file)
    meta, notes = _metadata(unit)
    flag = meta.get(CASE_NOTE, "true").strip().lower()
    return make_entry(line, file, source=sources[0], aliases=tuple(sources[1:]), renderings=renderings,
                      type=meta.get(TYPE_NOTE, "term").strip() or "term", notes=" ".join(notes),
                      case_sensitive=flag not in ("false", "no", "0"), source_ref=meta.get(REF_NOTE, ""),
                      variants=variants, short_renderings=short_renderings)


def _is_short_form(term: Any) -> bool:
    """Whether a TBX term carries ``<termNote type="termType">shortForm</termNote>``."""
    return any(n.scope == "term" and n.category == TERM_TYPE and n.text.strip() == SHORT_FORM for n in term.notes)


def _lang_of(raw: str, line: int, file: str | None) -> str:
    """Our two-letter code for an xml:lang such as ``en``, ``ja-JP`` or ``ko_KR``."""
    try:
        return validate_lang(raw.replace("_", "-").split("-")[0])
    except UnknownLanguageError as exc:
        raise GlossaryFormatError(exc.detail, line=line, file=file) from None


def _metadata(unit: Any) -> tuple[dict[str, str], list[str]]:
    meta: dict[str, str] = {}
    notes: list[str] = []
    for note in unit.get_common_notes(source=True):
        if note.scope != "concept":
            continue
        if note.origin == "definition" and note.category in (TYPE_NOTE, CASE_NOTE, REF_NOTE):
            meta.setdefault(note.category, note.text.strip())
        elif note.origin != "definition" and note.text.strip():
            notes.append(note.text.strip())
    return meta, notes


def serialise_tbx(entries: Sequence[GlossaryEntry], *, source_lang: str = "en",
                  target_lang: str | None = None) -> bytes:
    """A TBX document with every entry (only ``target_lang`` when given) and its metadata."""
    from lxml import etree

    tbx = _tbx_module()
    store = tbx.tbxfile(sourcelanguage=source_lang)
    for entry in entries:
        langs = [target_lang] if target_lang else list(entry.renderings)
        langs = [lang for lang in langs if lang in entry.renderings]
        if not langs:
            continue
        unit = store.addsourceunit(entry.source)
        unit.set_source_terms([entry.source, *entry.aliases])
        for lang in langs:
            short = entry.short_renderings.get(lang)
            unit.set_target_terms([entry.renderings[lang], *entry.variants.get(lang, ()),
                                   *((short,) if short else ())], lang=lang)
            if short:
                _mark_short_form(unit, lang)
        first_lang_set = unit.getlanguageNodes()[0]
        # (element, its type attribute or None, text): metadata as <descrip type=...>, notes as <note>
        fields: list[tuple[str, str | None, str]] = [
            ("descrip", TYPE_NOTE, entry.type), ("descrip", CASE_NOTE, str(entry.case_sensitive).lower())]
        if entry.source_ref:
            fields.append(("descrip", REF_NOTE, entry.source_ref))
        if entry.notes:
            fields.append(("note", None, entry.notes))
        for tag, kind, text in fields:
            element = etree.Element(unit.namespaced(tag), **({"type": kind} if kind else {}))
            element.text = text
            first_lang_set.addprevious(element)
    return bytes(store)


def _mark_short_form(unit: Any, lang: str) -> None:
    """Mark the last term of ``lang``'s langSet (the short rendering just written) as a short form."""
    from lxml import etree

    tig = unit.get_target_dom(lang).findall(unit.namespaced("tig"))[-1]
    note = etree.SubElement(tig, unit.namespaced("termNote"), type=TERM_TYPE)
    note.text = SHORT_FORM
