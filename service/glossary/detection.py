"""The detection interface: what finds names no glossary knows, and what it reports.

A :class:`NameDetector` takes the texts to search (the sentences to translate) and the text
around them (the whole article: evidence of how words are used, owners of short references),
and returns every name it finds with its type. Two detectors implement it: the spaCy NER
detector (:mod:`service.glossary.ner`) and the heuristic one (:mod:`service.glossary.heuristic`)
for installs without an NER pipeline. Which one a request uses is
``service.runtime.resources.Resources.name_detector``.

Detectors see the glossary matches (``known``): a detected name may contain one ("Bank of
Japan" holds the glossary's "Japan"); the glossary layer then takes the longer name.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

# Who found a name, as entity reports say (``EntityReport.detector``).
DETECTORS = ("glossary", "cldr", "ner", "heuristic")


@dataclass(frozen=True)
class KnownSpan:
    """A glossary match in a text: ``text[start:end]``; ``place`` when it names a place."""

    start: int
    end: int
    place: bool = False


@dataclass(frozen=True)
class DetectedName:
    """A name found in ``text[start:end] == name``: its entry type and the detector that found it.

    ``titled``: a title or honorific stood before it ("Foreign Minister Park"), so it is a person
    and may be a short reference to one named in full elsewhere.
    """

    start: int
    end: int
    name: str
    type: str = "term"
    detector: str = "heuristic"
    titled: bool = False


class NameDetector(Protocol):
    """Finds names in English text (``name`` is what reports say: "ner" or "heuristic")."""

    name: str

    def detect(self, texts: Sequence[str], *, known: Sequence[Sequence[KnownSpan]] | None = None,
               context: Sequence[str] = ()) -> list[list[DetectedName]]:
        """The names in each of ``texts``, in text order; ``known[i]``: glossary matches in ``texts[i]``;
        ``context``: the whole document the texts come from (evidence only; nothing in it is reported)."""
        ...
