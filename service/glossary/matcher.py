"""Finds glossary entities in English text: longest match first, with the spelling variants news uses.

One ``EntityMatcher`` is compiled per ``ActiveGlossary`` and cached (``matcher_for``), so a request
never recompiles the patterns of a glossary it shares with earlier requests.
"""
from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from service.glossary.model import ActiveGlossary, GlossaryEntry
from service.glossary.store_api import INLINE_NAME

# Latin, Greek and Cyrillic letters and digits make a word; CJK next to a term is a boundary.
WORD_CHARS = r"0-9A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF"
_BEFORE = rf"(?<![{WORD_CHARS}])"
_AFTER = rf"(?![{WORD_CHARS}])"
# Between two tokens of a term: any run of whitespace (line breaks, NBSP) or a hyphen/dash.
_JOINER = r"(?:\s*[-\u2010-\u2015\u2212]\s*|\s+)"
_TOKEN_SPLIT = re.compile(r"\s+|\s*[-\u2010-\u2015\u2212]\s*")
_ACRONYM = re.compile(r"^(?:[A-Z]{2,5}|(?:[A-Z]\.){2,5})$")
_CACHE_SIZE = 32
_WORD = re.compile(rf"[{WORD_CHARS}]+")  # a word as the matcher's boundaries see it (CJK next to it is none)


@dataclass(frozen=True)
class Fallback:
    """An entry of a later glossary layer that names the same entity (shares a source or alias)."""

    entry: GlossaryEntry
    glossary: str
    layer: int


@dataclass(frozen=True)
class EntityMatch:
    """One mention: ``text[start:end] == surface``, attributed to ``entry`` of glossary ``glossary``.

    ``fallbacks``: the same entity in later layers, in layer order; a language the entry has no
    rendering for is taken from the first of them that has one (per-language fallback).
    """

    start: int
    end: int
    surface: str
    entry: GlossaryEntry
    glossary: str
    layer: int = 0
    fallbacks: tuple[Fallback, ...] = ()


@dataclass(frozen=True)
class _Term:
    regex: str
    flags: int
    entry: GlossaryEntry
    glossary: str
    layer: int
    order: int
    probe: str  # a lower-case piece every match contains; skips the regex on texts without it
    surface: str = ""  # the form as written in the glossary, for near-miss (typo) lookups
    fallbacks: tuple[Fallback, ...] = ()


def _token_pattern(token: str) -> str:
    """A token's regex: acronyms match with and without dots (US / U.S.), apostrophes either way."""
    if _ACRONYM.match(token):
        letters = token.replace(".", "")
        dotted = r"\.".join(re.escape(c) for c in letters) + r"\."
        return f"(?:{dotted}|{re.escape(letters)})"
    return "".join("['\u2019]" if c in "'\u2019" else re.escape(c) for c in token)


def _tokens(term: str) -> list[str]:
    return [t for t in _TOKEN_SPLIT.split(term.strip()) if t]


def _term_key(tokens: list[str], case_sensitive: bool) -> str:
    key = " ".join(t.replace(".", "") for t in tokens)
    return key if case_sensitive else key.casefold()


def _surface_forms(entry: GlossaryEntry) -> list[list[str]]:
    """Source, aliases, and for people the family-name-first order (Kamikawa Yoko)."""
    forms = [_tokens(entry.source)] + [_tokens(a) for a in entry.aliases]
    if entry.type == "person":
        forms += [[f[-1], *f[:-1]] for f in list(forms) if len(f) >= 2 and " " in entry.source]
    return [f for f in forms if f]


def _regex(tokens: list[str], case_sensitive: bool) -> tuple[str, int]:
    body = _JOINER.join(_token_pattern(t) for t in tokens)
    return f"{_BEFORE}{body}{_AFTER}", 0 if case_sensitive else re.IGNORECASE


def _probe(tokens: list[str]) -> str:
    runs = [r for t in tokens if not _ACRONYM.match(t) for r in _WORD.findall(t.casefold())]
    return max(runs, key=len, default="")


class EntityMatcher:
    """All entries of an ActiveGlossary, compiled once; ``find`` resolves overlaps deterministically."""

    def __init__(self, active: ActiveGlossary) -> None:
        self.key = active.key()
        self._terms: list[_Term] = []
        # Compiled on first use: a large glossary has hundreds of terms, most absent from any text.
        self._compiled: dict[int, re.Pattern[str]] = {}
        seen: set[str] = set()
        order = 0
        fallbacks = _fallbacks(active)
        for layer, glossary in enumerate(active.layers):
            for position, entry in enumerate(glossary.entries):
                for tokens in _surface_forms(entry):
                    # The same source/alias in a later layer (or a later entry) is shadowed.
                    key = _term_key(tokens, case_sensitive=False)
                    if key in seen:
                        continue
                    seen.add(key)
                    regex, flags = _regex(tokens, entry.case_sensitive)
                    self._terms.append(_Term(regex, flags, entry, glossary.name, layer, order, _probe(tokens),
                                             " ".join(tokens), fallbacks.get((layer, position), ())))
                    order += 1

        self._by_probe: dict[str, list[_Term]] = {}
        for term in self._terms:
            self._by_probe.setdefault(term.probe, []).append(term)
        self._unprobed = self._by_probe.pop("", [])

    def __len__(self) -> int:
        return len(self._terms)

    def _pattern(self, term: _Term) -> re.Pattern[str]:
        pattern = self._compiled.get(term.order)
        if pattern is None:
            pattern = self._compiled[term.order] = re.compile(term.regex, term.flags)
        return pattern

    def find(self, text: str, *, exclude: list[tuple[int, int]] | None = None) -> list[EntityMatch]:
        """Non-overlapping matches in text order: longest wins, then earliest, then layer order."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        folded = text.casefold()
        words = set(_WORD.findall(folded))
        # Only terms whose probe word is in the text (or that have none): a dict lookup per word of the
        # text, not a scan of every term (the CLDR layer alone has ~1,000 forms).
        terms = [*self._unprobed, *(t for w in words for t in self._by_probe.get(w, ()))]
        candidates: list[tuple[int, int, int, int, _Term]] = []
        for term in terms:
            for m in self._pattern(term).finditer(text):
                candidates.append((-(m.end() - m.start()), m.start(), term.layer, term.order, term))
        candidates.sort(key=lambda c: c[:4])
        taken: list[tuple[int, int]] = list(exclude or [])
        chosen: list[EntityMatch] = []
        for neg_len, start, _layer, _order, term in candidates:
            end = start - neg_len
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            chosen.append(EntityMatch(start, end, text[start:end], term.entry, term.glossary, term.layer,
                                      term.fallbacks))
        return sorted(chosen, key=lambda m: m.start)


    def closest(self, name: str) -> EntityMatch | None:
        """A glossary term that ``name`` may misspell (Tawain / Taiwan), for a reviewer's attention.

        Names of six letters or more, same first letter and word count, at most two edits apart
        (an adjacent swap is one). A suggestion only: Tainan is a real city one letter from Taiwan.
        """
        if len(name) < 6:
            return None
        words = len(name.split())
        folded = name.casefold()
        for term in self._terms:
            form = term.surface
            if abs(len(form) - len(name)) > 2 or form[:1] != name[:1] or len(form.split()) != words:
                continue
            if 0 < _edit_distance(folded, form.casefold(), limit=2) <= 2:
                return EntityMatch(0, len(name), name, term.entry, term.glossary, term.layer)
        return None


def _fallbacks(active: ActiveGlossary) -> dict[tuple[int, int], tuple[Fallback, ...]]:
    """For each (layer, position) entry: the entries of later layers sharing one of its terms."""
    owners: dict[str, list[tuple[int, int, GlossaryEntry, str]]] = {}
    keys: dict[tuple[int, int], set[str]] = {}
    for layer, glossary in enumerate(active.layers):
        for position, entry in enumerate(glossary.entries):
            terms = {_term_key(_tokens(t), case_sensitive=False) for t in (entry.source, *entry.aliases)}
            keys[(layer, position)] = terms
            for key in terms:
                owners.setdefault(key, []).append((layer, position, entry, glossary.name))
    found: dict[tuple[int, int], tuple[Fallback, ...]] = {}
    for (layer, position), terms in keys.items():
        later = {(lay, pos): (entry, name) for key in terms for lay, pos, entry, name in owners[key] if lay > layer}
        if later:
            found[(layer, position)] = tuple(Fallback(entry, name, lay) for (lay, _pos), (entry, name)
                                             in sorted(later.items(), key=lambda item: item[0]))
    return found


def _edit_distance(a: str, b: str, *, limit: int) -> int:
    """Optimal-string-alignment distance (an adjacent swap costs one), or limit + 1 once past limit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


_cache: OrderedDict[str, EntityMatcher] = OrderedDict()
_cache_lock = threading.Lock()


def _fingerprint(active: ActiveGlossary) -> str:
    # A stored glossary's id and version name its content (every change bumps the version, as
    # the store's own cache assumes); inline and unstored layers are hashed whole. Hashing the
    # repr of the whole default glossary on every request cost more than the matching itself.
    parts = [f"{g.id}@{g.version}" if g.id and g.name != INLINE_NAME
             else hashlib.sha1(repr(g).encode("utf-8")).hexdigest() for g in active.layers]
    return f"{active.key()}#{'+'.join(parts)}"


def matcher_for(active: ActiveGlossary) -> EntityMatcher:
    """The compiled matcher of ``active``, shared by every request that uses the same glossaries."""
    key = _fingerprint(active)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    matcher = EntityMatcher(active)
    with _cache_lock:
        _cache[key] = matcher
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return matcher
