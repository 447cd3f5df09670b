"""Names no glossary knows: found in the English, translated once in isolation, then reused.

A ``LearnedGlossary`` lives for one job (a brief, a batch), so every mention of a name in every
segment and language gets the same rendering, and can be promoted into a named glossary.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from models.engines.base import Translator
from service.glossary.model import GlossaryEntry

LEARNED_GLOSSARY_NAME = "learned"

_TOKEN = re.compile(
    r"(?:[A-Z]\.){1,3}(?![A-Za-z])"  # initials: J. / J.R.
    r"|[A-Z][a-z]+(?:['\u2019][A-Z][a-z]+)?(?:-[A-Za-z][a-z]+)*"  # Kamikawa, O'Brien, Won-sik
)
_CONNECTORS = {"de", "da", "van", "von", "bin", "al", "del", "la", "le", "der"}
TITLE_WORDS = frozenset(
    "President Vice Prime Minister Secretary Defense Defence Foreign State Chancellor General Gen "
    "Admiral Adm Colonel Col Lieutenant Lt Commander Chief Deputy Senator Sen Governor Gov Mayor "
    "King Queen Prince Princess Pope Ambassador Representative Rep Speaker Premier Mr Mrs Ms Dr "
    "Sir Dame Lord Lady Judge Justice Chairman Chairwoman Chair Director Spokesman Spokeswoman "
    "Spokesperson Finance Trade Interior Justice Home Economy Treasury Attorney Leader Officer "
    "Commissioner Sheikh Emir Sultan Crown Party Opposition".split()
)
_COMMON = frozenset(
    "The A An In On At For From By With Without Into Of To As And But Or Nor So Yet If When While "
    "After Before During Since Until Although Though Because However Meanwhile Also Still Then "
    "There Here This That These Those It Its It's He She They We I You His Her Their Our My Your "
    "Some Many Most Several Such Other Another Each Every All Both Any No Not Only Just Even "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May "
    "June July August September October November December Today Yesterday Tomorrow Tonight "
    "Mr Mrs Ms Dr According Under Over About Against Between Among Despite Following Amid".split()
)
_DEMONYM_ENDINGS = ("ese", "ian", "ean", "ish", "can", "ani", "i")
_TITLE_CASE_LOWER = frozenset("and the for with from over into nor but yet".split())
_SENTENCE_END = re.compile(r"[.!?:;\"“”'‘’(\[]\s*$")


@dataclass(frozen=True)
class Span:
    """A candidate name: ``text[start:end] == name``; ``kind`` is "person" when a title introduced it."""

    start: int
    end: int
    name: str
    kind: str = "term"


def _is_headline(text: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in _TITLE_CASE_LOWER]
    return len(words) >= 4 and all(w[0].isupper() for w in words)


def _runs(text: str) -> list[list[re.Match[str]]]:
    """Capitalised tokens joined by single spaces (or a lower-case name connector)."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    for match in _TOKEN.finditer(text):
        if current:
            gap = text[current[-1].end():match.start()]
            joined = gap == " " or (gap[:1] == " " and gap.strip() in _CONNECTORS and gap.endswith(" "))
            if not joined:
                runs.append(current)
                current = []
        current.append(match)
    if current:
        runs.append(current)
    return [r for r in runs if r]


def _is_demonym(word: str) -> bool:
    return word.endswith(_DEMONYM_ENDINGS) and word not in ("Haiti", "Mali", "Hawaii", "Delhi")


def is_demonym_of(name: str, place: str) -> bool:
    """Whether ``name`` is the adjective of ``place`` ("South Korean" of "South Korea", "Chinese" of "China")."""
    if name == place or not _is_demonym(name.split()[-1]):
        return False
    stem = place[:-1]
    return name.startswith(stem) and 0 < len(name) - len(stem) <= 5 and " " not in name[len(stem):]


def _name_from_run(text: str, run: list[re.Match[str]]) -> Span | None:
    words = [m.group(0).rstrip(".") for m in run]
    cut = max((i + 1 for i, w in enumerate(words) if w in TITLE_WORDS), default=0)
    titled = cut > 0
    while cut < len(run) and (words[cut] in _COMMON or (not titled and _is_demonym(words[cut]))):
        cut += 1
    while cut < len(run) and (words[cut] in TITLE_WORDS):
        cut += 1
    if cut >= len(run):
        return None
    rest = run[cut:]
    while rest and rest[-1].group(0).rstrip(".") in _COMMON:
        rest = rest[:-1]
    if not rest:
        return None
    start, end = rest[0].start(), rest[-1].end()
    if len(rest) == 1 and not titled:
        word = rest[0].group(0)
        initial = start == run[0].start() and (start == 0 or _SENTENCE_END.search(text[:start]))
        if initial or _is_demonym(word) or "." in word:
            return None
    kind = "person" if titled or (len(rest) >= 2 and "-" in rest[-1].group(0)) else "term"
    return Span(start, end, text[start:end], kind)


def detect_candidate_names(text: str, known_spans: Sequence[tuple[int, int]] = ()) -> list[Span]:
    """Proper names in ``text`` outside ``known_spans`` (glossary matches), in text order."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if _is_headline(text):
        return []  # Title Case capitalises every word; nothing there marks a name
    spans: list[Span] = []
    for run in _runs(text):
        for piece in _split_at_known(run, known_spans):
            span = _name_from_run(text, piece)
            if span is not None:
                spans.append(span)
    return spans


def _split_at_known(run: list[re.Match[str]], known: Sequence[tuple[int, int]]) -> list[list[re.Match[str]]]:
    pieces: list[list[re.Match[str]]] = [[]]
    for match in run:
        if any(match.start() < e and s < match.end() for s, e in known):
            pieces.append([])
        else:
            pieces[-1].append(match)
    return [p for p in pieces if p]


@dataclass
class _Learned:
    kind: str
    renderings: dict[str, str]


class LearnedGlossary:
    """Per-job renderings of names no glossary knows; thread-safe, first rendering wins."""

    def __init__(self) -> None:
        self._names: dict[str, _Learned] = {}
        self._lock = threading.Lock()

    def note(self, name: str, kind: str = "term") -> None:
        """Remember that ``name`` was seen, before any rendering is known."""
        with self._lock:
            self._names.setdefault(name, _Learned(kind, {}))

    def known(self, name: str, target_lang: str) -> str | None:
        """The stored rendering ('' when the model gave nothing), or None if not translated yet."""
        with self._lock:
            item = self._names.get(name)
            return None if item is None else item.renderings.get(target_lang)

    def render_many(self, names: Sequence[str], target_lang: str, translator: Translator, *,
                    source_lang: str = "en") -> dict[str, str | None]:
        """Renderings of ``names``; the unseen ones are translated in ONE call. None = unresolved."""
        missing = list(dict.fromkeys(n for n in names if self.known(n, target_lang) is None))
        if missing:
            outputs = translator.translate_batch(missing, source_lang, target_lang)
            if len(outputs) != len(missing):
                raise ValueError(f"translator returned {len(outputs)} outputs for {len(missing)} names")
            with self._lock:
                for name, output in zip(missing, outputs, strict=True):
                    item = self._names.setdefault(name, _Learned("term", {}))
                    item.renderings.setdefault(target_lang, " ".join((output or "").split()))
        return {n: (self.known(n, target_lang) or None) for n in names}

    def kind(self, name: str) -> str:
        """The kind noted for ``name`` ("person" when a title introduced it), else "term"."""
        with self._lock:
            item = self._names.get(name)
            return item.kind if item else "term"

    def names(self) -> list[str]:
        """Every name noted or rendered so far, in first-seen order."""
        with self._lock:
            return list(self._names)

    def entries(self) -> list[GlossaryEntry]:
        """Every name with at least one non-empty rendering, as entries ready to store or export.

        This is how a job promotes what it learned: ``GlossaryStore.add_entries``/``create`` keep them,
        ``serialise_glossary`` writes them as a file.
        """
        with self._lock:
            items = list(self._names.items())
        entries = []
        for name, item in items:
            renderings = {lang: r for lang, r in item.renderings.items() if r}
            if renderings:
                kind = item.kind if item.kind in ("person", "term") else "term"
                entries.append(GlossaryEntry(source=name, renderings=renderings, type=kind))
        return entries
