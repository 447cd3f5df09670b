"""The NER detector: spaCy's entity spans, mapped onto entry types and tidied for the glossary layer.

Labels map as issue 19 set out: PERSON → person; GPE, LOC, FAC → place; ORG → organization;
EVENT, LAW, WORK_OF_ART → term. NORP (nationalities, groups) and the numeric labels (DATE,
MONEY, CARDINAL ...) are left to the model unless a glossary has them. A span is trimmed to the
name: a leading "the", a possessive "'s", a title before a person ("Foreign Minister Park" →
"Park", marked ``titled``); a span of nothing but title or generic words is dropped.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from service.glossary.detection import DetectedName, KnownSpan
from service.glossary.heuristic_words import dateline_end
from service.glossary.wordlists import (
    CORE_TITLES,
    FUNCTION_WORDS,
    GENERIC,
    MONTHS_AND_DAYS,
    TITLE_MODIFIERS,
    WEAK_HEADS,
)

LABEL_TYPES = {
    "PERSON": "person", "PER": "person",
    "GPE": "place", "LOC": "place", "FAC": "place",
    "ORG": "organization",
    "EVENT": "term", "LAW": "term", "WORK_OF_ART": "term", "MISC": "term",
}
_NO_NAME = GENERIC | WEAK_HEADS | CORE_TITLES | TITLE_MODIFIERS | FUNCTION_WORDS | MONTHS_AND_DAYS
_LEADING = re.compile(r"^(?:the|The)\s+")
_TRAILING = re.compile(r"(?:['\u2019]s?|[\s,;:])+$")


class NerSpanLike(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def label(self) -> str: ...


class NerModel(Protocol):
    """What the detector needs of a loaded pipeline (``models.ner.SpacyNer``)."""

    @property
    def name(self) -> str:
        """The pipeline's name and version."""
        ...

    def spans(self, texts: Sequence[str]) -> Sequence[Sequence[NerSpanLike]]:
        """Entity spans with labels, per text."""
        ...


class NerDetector:
    """Names from a spaCy NER pipeline, reported as ``detector: "ner"``."""

    name = "ner"

    def __init__(self, model: NerModel) -> None:
        self.model = model

    def detect(self, texts: Sequence[str], *, known: Sequence[Sequence[KnownSpan]] | None = None,
               context: Sequence[str] = ()) -> list[list[DetectedName]]:
        """The pipeline's entities of each text, as typed names (``context`` is not needed: NER reads the text)."""
        if isinstance(texts, str):
            raise TypeError("texts must be a sequence of strings, not a string")
        results = self.model.spans(list(texts))
        # Words the article also writes in lower case are common words however a model labels them alone.
        common = {w.casefold() for text in [*texts, *context] for w in re.findall(r"\b[a-z][a-z'-]+\b", text)}
        found: list[list[DetectedName]] = []
        for text, spans in zip(texts, results, strict=True):
            names = [_name(text, s.start, s.end, kind) for s in spans if (kind := LABEL_TYPES.get(s.label))]
            found.append([n for n in names if n is not None and not _common_or_heading(text, n, common)])
        return found


def _name(text: str, start: int, end: int, kind: str) -> DetectedName | None:
    """The name inside a spaCy span, or None when nothing in it names anything."""
    surface = text[start:end]
    lead = _LEADING.match(surface)
    if lead:
        start += lead.end()
    tail = _TRAILING.search(text[start:end])
    if tail:
        end = start + tail.start()
    words = text[start:end].split()
    titled = False
    while len(words) > 1 and kind == "person" and (words[0].rstrip(".") in CORE_TITLES
                                                   or words[0] in TITLE_MODIFIERS):
        start = text.index(words[1], start + len(words[0]))
        words = words[1:]
        titled = True
    if not words or all(w.rstrip(".,") in _NO_NAME for w in words):
        return None
    return DetectedName(start, end, text[start:end], kind, "ner", titled)


def _common_or_heading(text: str, name: DetectedName, common: set[str]) -> bool:
    """A lone common word ("Summit" where the article also says "summit"), or a name in an all-caps heading
    or a wire dateline ("TOKYO (AP) —")."""
    if " " not in name.name and not name.titled and name.name.casefold() in common:
        return True
    if name.start < dateline_end(text):
        return True
    line_start = text.rfind("\n", 0, name.start) + 1
    line_end = text.find("\n", name.end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    return not any(c.islower() for c in line) and len(name.name) > 1
