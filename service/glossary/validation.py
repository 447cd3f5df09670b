"""What makes glossary entries and names storable: one rule set for files, JSON bodies and every store.

``entry_problem`` judges one entry; ``TermIndex`` is the only duplicate-term check (no source or
alias may belong to two entries, case-insensitively). File parsers report problems as
:class:`GlossaryFormatError` on a line (``make_entry``, ``TermIndex.add``); the store and JSON
bodies get :class:`BadInputError` naming the entry (``check_entries``).
"""
from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable
from typing import Any

from service.errors import BadInputError, GlossaryFormatError, UnknownLanguageError
from service.glossary.model import GlossaryEntry
from service.languages import validate_lang
from service.text import Removed

log = logging.getLogger(__name__)

MAX_TERM_CHARS = 500
MAX_NOTE_CHARS = 2000
MAX_NAME_CHARS = 64
MAX_DESCRIPTION_CHARS = 1000
MAX_DISPLAY_NAME_CHARS = 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NAME = re.compile(r"[A-Za-z0-9_.-](?:[A-Za-z0-9 _.-]*[A-Za-z0-9_.-])?")
# What a display name may not hold: C0 and C1 controls, DEL, bidi embeddings, overrides and isolates
# (they make a name read as another); the ``pattern`` /openapi.json gives display names. Lone
# surrogates (not text; a JSON body can still carry them) are refused too, outside the pattern:
# regular-expression engines of other languages cannot name them.
DISPLAY_NAME_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+$"
_DISPLAY_NAME = re.compile(DISPLAY_NAME_PATTERN)
_SURROGATE = re.compile(r"[\ud800-\udfff]")

__all__ = ["DISPLAY_NAME_PATTERN", "MAX_DESCRIPTION_CHARS", "MAX_DISPLAY_NAME_CHARS", "MAX_NAME_CHARS",
           "MAX_NOTE_CHARS", "MAX_TERM_CHARS", "TermIndex", "check_description", "check_display_name",
           "check_entries", "clean_entries", "clean_entry", "entry_problem", "make_entry", "validate_name"]


def clean_entry(entry: GlossaryEntry, removed: Removed) -> GlossaryEntry:
    """``entry`` without bidi controls and NUL/control characters in any of its texts (counted in ``removed``).

    Tabs and line breaks stay: they are refused by :func:`entry_problem` (they break the file formats).
    """
    before = removed.bidi + removed.other
    cleaned = dataclasses.replace(
        entry, source=removed.clean(entry.source), aliases=tuple(removed.clean(a) for a in entry.aliases),
        renderings={lang: removed.clean(t) for lang, t in entry.renderings.items()},
        short_renderings={lang: removed.clean(t) for lang, t in entry.short_renderings.items()},
        notes=removed.clean(entry.notes), source_ref=removed.clean(entry.source_ref),
        variants={lang: tuple(removed.clean(t) for t in ts) for lang, ts in entry.variants.items()})
    return cleaned if removed.bidi + removed.other != before else entry


def clean_entries(entries: Iterable[GlossaryEntry], removed: Removed | None = None) -> list[GlossaryEntry]:
    """Every entry cleaned by :func:`clean_entry`; a log warning when anything was removed. By default bidi
    and C1 controls go and C0 ones stay, for :func:`entry_problem` to refuse (a JSON entry documents that)."""
    removed = removed if removed is not None else Removed(c0=False)
    before = removed.bidi + removed.other
    cleaned = []
    for entry in entries:
        try:
            cleaned.append(clean_entry(entry, removed) if isinstance(entry, GlossaryEntry) else entry)
        except ValueError as exc:  # nothing but controls: no text is left
            raise BadInputError(f"entry {entry.source!r}: {exc}") from None
    if removed.bidi + removed.other != before:
        log.warning("glossary entries: %s", removed.message("before storing them"))
    return cleaned


def entry_problem(entry: GlossaryEntry) -> str | None:
    """Why an entry cannot be stored or written to a file, or None if it can."""
    return _text_problem(entry) or _metadata_problem(entry) or _language_problem(entry) or _repeat_problem(entry)


def _text_problem(entry: GlossaryEntry) -> str | None:
    terms = {"source": entry.source, **{f"alias {a!r}": a for a in entry.aliases},
             **{f"{lang} rendering": t for lang, t in entry.renderings.items()}}
    for what, text in terms.items():
        if not isinstance(text, str) or not text.strip():
            return f"empty {what}"
        if text != text.strip():
            return f"{what} {text!r} has leading or trailing spaces"
        if _CONTROL.search(text):
            return f"{what} {text!r} contains a tab, line break or control character"
        if len(text) > MAX_TERM_CHARS:
            return f"{what} is longer than {MAX_TERM_CHARS} characters"
    if any("|" in a for a in entry.aliases):
        return "aliases cannot contain '|'"
    return None


def _metadata_problem(entry: GlossaryEntry) -> str | None:
    for lang, texts in entry.variants.items():
        if lang not in entry.renderings:
            return f"variants for {lang!r}, which has no rendering"
        for text in texts:
            if not text.strip() or text != text.strip() or _CONTROL.search(text) or "|" in text:
                return f"bad {lang} variant {text!r}"
    for lang, short in entry.short_renderings.items():
        if lang not in entry.renderings:
            return f"a short {lang} rendering, but no {lang} rendering"
        if not isinstance(short, str) or not short.strip() or short != short.strip() or _CONTROL.search(short) \
                or "|" in short or len(short) > MAX_TERM_CHARS:
            return f"bad short {lang} rendering {short!r}"
    for what, text in (("notes", entry.notes), ("source_ref", entry.source_ref)):
        if _CONTROL.search(text) or len(text) > MAX_NOTE_CHARS:
            return f"{what} must be one line of at most {MAX_NOTE_CHARS} characters"
    return None


def _language_problem(entry: GlossaryEntry) -> str | None:
    if not entry.renderings:
        return f"entry {entry.source!r} has no rendering"
    for lang in entry.renderings:
        try:
            if validate_lang(lang) != lang:
                return f"language code {lang!r} must be lower case"
        except UnknownLanguageError as exc:
            return exc.detail
    return None


def _repeat_problem(entry: GlossaryEntry) -> str | None:
    keys = [t.casefold() for t in (entry.source, *entry.aliases)]
    if len(set(keys)) != len(keys):
        return f"entry {entry.source!r} repeats a term among its source and aliases"
    return None


class TermIndex:
    """The terms (sources and aliases, case-insensitive) of the entries added so far, and their owners."""

    def __init__(self, file: str | None = None) -> None:
        self.file = file
        self._seen: dict[str, tuple[str, int | None]] = {}

    def clash(self, entry: GlossaryEntry) -> str | None:
        """Why ``entry`` cannot join (one of its terms belongs to an earlier entry), or None."""
        for term in (entry.source, *entry.aliases):
            if (found := self._seen.get(term.casefold())) is not None:
                owner, line = found
                what = "duplicate source" if term == entry.source else "alias"
                where = f" on line {line}" if line is not None else ""
                return f"{what} {term!r} is already used by entry {owner!r}{where}"
        return None

    def add(self, entry: GlossaryEntry, line: int | None = None) -> None:
        """Record the entry's terms; GlossaryFormatError on ``line`` if one is taken."""
        problem = self.clash(entry)
        if problem:
            raise GlossaryFormatError(problem, line=line, file=self.file)
        for term in (entry.source, *entry.aliases):
            self._seen[term.casefold()] = (entry.source, line)


def make_entry(line: int, file: str | None, **fields: Any) -> GlossaryEntry:
    """Build and check one entry read from a file; any problem becomes a GlossaryFormatError on ``line``."""
    try:
        entry = clean_entry(GlossaryEntry(**fields), Removed())
    except ValueError as exc:
        raise GlossaryFormatError(str(exc), line=line, file=file) from None
    problem = entry_problem(entry)
    if problem:
        raise GlossaryFormatError(problem, line=line, file=file)
    return entry


def check_entries(entries: Iterable[GlossaryEntry]) -> list[GlossaryEntry]:
    """Entries that can be stored together: each well-formed (controls removed), no term used by two of them.

    BadInputError names the entry; TypeError if an item is not a GlossaryEntry (a programming error).
    """
    index = TermIndex()
    out = []
    for entry in clean_entries(entries):
        if not isinstance(entry, GlossaryEntry):
            raise TypeError(f"expected GlossaryEntry, got {type(entry).__name__}")
        problem = entry_problem(entry)
        if problem:
            raise BadInputError(f"entry {entry.source!r}: {problem}")
        try:
            index.add(entry)
        except GlossaryFormatError as exc:
            raise BadInputError(f"entry {entry.source!r}: {exc.detail}") from None
        out.append(entry)
    return out


def validate_name(name: str, what: str = "glossary") -> str:
    """Return ``name`` if it can name a stored ``what`` (a glossary, a translation memory), else BadInputError."""
    if not isinstance(name, str) or not name:
        raise BadInputError(f"a {what} name must not be empty")
    if len(name) > MAX_NAME_CHARS:
        raise BadInputError(f"{what} name longer than {MAX_NAME_CHARS} characters")
    if not _NAME.fullmatch(name):
        raise BadInputError(f"bad {what} name {name!r}: use letters, digits, space, '_', '.', '-' "
                            "and no leading or trailing space")
    return name


def check_display_name(display_name: str) -> str:
    """A glossary's display name (the name a DeepL client gave it, shown beside its store name): any text
    of 1 to MAX_DISPLAY_NAME_CHARS characters without control or bidi-control characters."""
    if not isinstance(display_name, str) or not display_name:
        raise BadInputError("a glossary's display name must not be empty")
    if len(display_name) > MAX_DISPLAY_NAME_CHARS:
        raise BadInputError(f"a glossary's display name is at most {MAX_DISPLAY_NAME_CHARS} characters")
    if not _DISPLAY_NAME.fullmatch(display_name) or _SURROGATE.search(display_name):
        raise BadInputError("a glossary's display name must not contain control characters")
    return display_name


def check_description(description: str) -> str:
    """The description, stripped; BadInputError unless it is text of at most MAX_DESCRIPTION_CHARS."""
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION_CHARS:
        raise BadInputError(f"a description is text of at most {MAX_DESCRIPTION_CHARS} characters")
    return Removed().clean(description).strip()
