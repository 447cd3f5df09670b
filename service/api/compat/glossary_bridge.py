"""DeepL glossaries as views of this service's glossary store (one store, many doors).

A DeepL glossary is a named glossary in the store: its id is the store's id, its
dictionaries are the store glossary's target languages, and entries carry one
rendering per target language. Anything created here is visible under
/v1/glossaries and the reverse.
"""
from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import datetime

from service.api.compat.errors import PeerError
from service.api.compat.langcodes import our_code
from service.api.tenancy import TenantGlossaries
from service.errors import ConflictError
from service.glossary.formats import neutralize_formula, restore_formula
from service.glossary.model import Glossary, GlossaryEntry

MAX_NAME_SUFFIX = 100


def parse_entries(data: str, fmt: str) -> dict[str, str]:
    """DeepL's TSV or CSV entries (source, target[, ...]) as a dict; 400 on a malformed line."""
    entries: dict[str, str] = {}
    rows = list(csv.reader(io.StringIO(data))) if fmt == "csv" else [line.split("\t") for line in data.splitlines()]
    for number, row in enumerate(rows, 1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise PeerError(400, f"Invalid glossary entries: line {number} needs a source and a target term.")
        entries[restore_formula(row[0].strip())] = restore_formula(row[1].strip())
    if not entries:
        raise PeerError(400, "Invalid glossary entries: no entries given.")
    return entries


def entries_tsv(glossary: Glossary, target: str) -> str:
    """One dictionary's entries as DeepL's TSV; a cell a spreadsheet would run as a formula gets a leading
    apostrophe, as in our CSV and TSV exports (entries sent back in that form are read without it)."""
    return "\n".join(f"{neutralize_formula(e.source)}\t{neutralize_formula(e.renderings[target])}"
                     for e in glossary.entries if target in e.renderings)


def timestamp(value: str) -> str:
    """The store's ISO time in the form DeepL's clients parse (fractional seconds, a zone)."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        moment = datetime.fromtimestamp(0).astimezone()
    return moment.isoformat(timespec="microseconds")


def targets_of(glossary: Glossary) -> list[str]:
    return sorted({lang for e in glossary.entries for lang in e.renderings})


def dictionary_info(glossary: Glossary, target: str) -> dict[str, object]:
    return {"source_lang": glossary.source_lang, "target_lang": target,
            "entry_count": sum(1 for e in glossary.entries if target in e.renderings)}


def v2_info(glossary: Glossary, target: str | None = None) -> dict[str, object]:
    """The v2 GlossaryInfo; a glossary with several targets shows its first (or the one asked)."""
    targets = targets_of(glossary)
    target = target or (targets[0] if targets else glossary.source_lang)
    return {"glossary_id": glossary.id, "name": glossary.name, "ready": True,
            "source_lang": glossary.source_lang, "target_lang": target,
            "creation_time": timestamp(glossary.created_at),
            "entry_count": dictionary_info(glossary, target)["entry_count"]}


def v3_info(glossary: Glossary) -> dict[str, object]:
    return {"glossary_id": glossary.id, "name": glossary.name, "creation_time": timestamp(glossary.created_at),
            "dictionaries": [dictionary_info(glossary, t) for t in targets_of(glossary)]}


def merge(entries: tuple[GlossaryEntry, ...], target: str, new: dict[str, str], *,
          replace_target: bool = False) -> list[GlossaryEntry]:
    """Entries with ``new`` as the ``target`` renderings (added to, or replacing, the old ones)."""
    merged: list[GlossaryEntry] = []
    index: dict[str, int] = {}
    for entry in entries:
        renderings = dict(entry.renderings)
        if replace_target:
            renderings.pop(target, None)
        if renderings:
            variants = {k: v for k, v in entry.variants.items() if k in renderings}
            index[entry.source.casefold()] = len(merged)
            merged.append(replace(entry, renderings=renderings, variants=variants))
    for source, rendering in new.items():
        at = index.get(source.casefold())
        if at is None:
            index[source.casefold()] = len(merged)
            merged.append(GlossaryEntry(source=source, renderings={target: rendering}))
        else:
            old = merged[at]
            merged[at] = replace(old, renderings={**old.renderings, target: rendering})
    return merged


def dictionary_langs(store: TenantGlossaries, source: str, target: str,
                     glossary: Glossary | None = None) -> tuple[str, str]:
    """Our codes for a dictionary's languages (DeepL codes of any known language); 400 when one is
    not such a code, or the source is not the glossary's."""
    from service.languages import LANGUAGES

    source_code, target_code = our_code(source, LANGUAGES), our_code(target, LANGUAGES)
    if source_code is None or target_code is None:
        field = "source_lang" if source_code is None else "target_lang"
        raise PeerError(400, f"Value for '{field}' not supported.")
    if glossary is not None and source_code != glossary.source_lang:
        raise PeerError(400, f"This glossary's source language is {glossary.source_lang.upper()}; "
                             "a dictionary must share it.")
    return source_code, target_code


def create_named(store: TenantGlossaries, name: str, entries: list[GlossaryEntry], source_lang: str) -> Glossary:
    """A new glossary of the caller's tenant; DeepL allows repeated names, the store does not (per owner), so a
    repeat gets a suffix."""
    for attempt in range(1, MAX_NAME_SUFFIX + 1):
        candidate = name if attempt == 1 else f"{name}-{attempt}"
        try:
            return store.create(candidate, entries, source_lang=source_lang)
        except ConflictError:
            continue
    raise PeerError(400, f"Too many glossaries named {name!r}.")
