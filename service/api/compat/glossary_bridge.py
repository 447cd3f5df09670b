"""DeepL glossaries as views of this service's glossary store (one store, many doors).

A DeepL glossary is a named glossary in the store: its id is the store's id (shown in DeepL's
dashed UUID form; both forms are accepted everywhere), its dictionaries are the store glossary's
target languages, and entries carry one rendering per target language. Anything created here is
visible under /v1/glossaries and the reverse.

**Names.** DeepL takes any non-empty name ("tool-name: project 1234 <uuid>"), and several glossaries
may share one. Store names are keys (unique per owner, safe in URLs and brief signatures), so a
DeepL name becomes the glossary's *display name*, exactly as given, beside a store name derived from
it (the name itself when it is a valid one, else a slug; ``-2``, ``-3``... when taken). The DeepL
doors show and rename the display name; /v1 shows both.

**Pairs.** A dictionary is written only for a pair this deployment translates (what
``/v2/glossary-language-pairs`` lists); reading or removing one takes any known language, so
glossaries made under /v1 for other languages stay reachable.
"""
from __future__ import annotations

import csv
import io
import re
import secrets
import uuid
from dataclasses import replace
from datetime import datetime

from service.api.compat.errors import PeerError
from service.api.compat.langcodes import our_code
from service.api.tenancy import STORE_ID, TenantGlossaries
from service.errors import BadInputError, ConflictError
from service.glossary.formats import neutralize_formula, restore_formula
from service.glossary.model import Glossary, GlossaryEntry
from service.glossary.store_api import INLINE_NAME
from service.glossary.validation import MAX_NAME_CHARS, check_display_name, validate_name

MAX_NAME_SUFFIX = 100
KEY_CHARS = 48  # a derived store name leaves room for a suffix within MAX_NAME_CHARS
UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
UNSUPPORTED_PAIR = "Unsupported glossary source and target language pair"  # DeepL's words


def parse_entries(data: str, fmt: str) -> dict[str, str]:
    """DeepL's TSV or CSV entries (source, target[, ...]) as a dict; 400 on a malformed line."""
    entries: dict[str, str] = {}
    try:
        rows = (list(csv.reader(io.StringIO(data, newline=""))) if fmt == "csv"
                else [line.split("\t") for line in data.splitlines()])
    except csv.Error as exc:  # e.g. an unterminated quote
        raise PeerError(400, f"Invalid glossary entries: not valid CSV ({exc}).") from None
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


def deepl_id(glossary: Glossary) -> str:
    """The id as DeepL shows glossary ids: a UUID with dashes (ids of another form as they are)."""
    return str(uuid.UUID(glossary.id)) if STORE_ID.match(glossary.id) else glossary.id


def deepl_name(glossary: Glossary) -> str:
    """The name a DeepL client gave the glossary (its display name), else its store name."""
    return glossary.display_name or glossary.name


def v2_info(glossary: Glossary, target: str | None = None) -> dict[str, object]:
    """The v2 GlossaryInfo; a glossary with several targets shows its first (or the one asked)."""
    targets = targets_of(glossary)
    target = target or (targets[0] if targets else glossary.source_lang)
    return {"glossary_id": deepl_id(glossary), "name": deepl_name(glossary), "ready": True,
            "source_lang": glossary.source_lang, "target_lang": target,
            "creation_time": timestamp(glossary.created_at),
            "entry_count": dictionary_info(glossary, target)["entry_count"]}


def v3_info(glossary: Glossary) -> dict[str, object]:
    return {"glossary_id": deepl_id(glossary), "name": deepl_name(glossary),
            "creation_time": timestamp(glossary.created_at),
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
            short = {k: v for k, v in entry.short_renderings.items() if k in renderings}
            merged.append(replace(entry, renderings=renderings, variants=variants, short_renderings=short))
    for source, rendering in new.items():
        at = index.get(source.casefold())
        if at is None:
            index[source.casefold()] = len(merged)
            merged.append(GlossaryEntry(source=source, renderings={target: rendering}))
        else:
            old = merged[at]
            merged[at] = replace(old, renderings={**old.renderings, target: rendering})
    return merged


def dictionary_langs(store: TenantGlossaries, source: str, target: str, glossary: Glossary | None = None, *,
                     served: dict[str, list[str]] | None = None) -> tuple[str, str]:
    """Our codes for a dictionary's languages (DeepL codes of any known language); 400 when one is
    not such a code, the source is not the glossary's, or (with ``served``, for a write) the pair is
    not one this deployment translates."""
    from service.languages import LANGUAGES

    source_code, target_code = our_code(source, LANGUAGES), our_code(target, LANGUAGES)
    if source_code is None or target_code is None:
        field = "source_lang" if source_code is None else "target_lang"
        raise PeerError(400, f"Value for '{field}' not supported.")
    if served is not None and target_code not in served.get(source_code, []):
        raise PeerError(400, f"{UNSUPPORTED_PAIR}: {source.upper()} to {target.upper()} is not translated here "
                             "(see /v2/glossary-language-pairs).")
    if glossary is not None and source_code != glossary.source_lang:
        raise PeerError(400, f"This glossary's source language is {glossary.source_lang.upper()}; "
                             "a dictionary must share it.")
    return source_code, target_code


def store_name_for(name: str) -> str:
    """The store name a DeepL glossary called ``name`` gets: the name itself when it is a valid store
    name, else a slug of it (letters, digits, ``_ . -``), else ``glossary``."""
    try:
        if validate_name(name) and name.casefold() != INLINE_NAME:
            return name
    except BadInputError:
        pass
    slug = UNSAFE.sub("-", name).strip("-._ ")[:KEY_CHARS].strip("-._ ")
    return slug if slug and slug.casefold() != INLINE_NAME else "glossary"


def create_named(store: TenantGlossaries, name: str, entries: list[GlossaryEntry], source_lang: str) -> Glossary:
    """A new glossary of the caller's tenant shown as ``name`` (any text DeepL takes). DeepL allows
    repeated names, the store does not (per owner): a taken store name gets a suffix; the name a
    DeepL client sees is ``name`` all the same."""
    check_display_name(name)
    key = store_name_for(name)
    suffixes = [""] + [f"-{n}" for n in range(2, MAX_NAME_SUFFIX + 1)] + [f"-{secrets.token_hex(4)}"]
    for suffix in suffixes:
        candidate = key[:MAX_NAME_CHARS - len(suffix)] + suffix
        try:
            return store.create(candidate, entries, source_lang=source_lang, display_name=name)
        except ConflictError:
            continue
    raise PeerError(400, f"Too many glossaries named {name!r}; delete some first.")
