"""The summarizer interface."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class SummarySentence:
    """One sentence of a summary; ``source_index`` points into the article's sentences
    (None when an abstractive model wrote a sentence that has no single source)."""

    text: str
    source_index: int | None


@runtime_checkable
class Summarizer(Protocol):
    name: str

    def summarize(self, sentences: Sequence[str], count: int) -> list[SummarySentence]:
        """Return at most ``count`` summary sentences, in article order."""
        ...
