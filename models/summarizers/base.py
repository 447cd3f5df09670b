"""The summarizer interface."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from service.segmentation import Sentence


@dataclass(frozen=True)
class SummarySentence:
    """One sentence of a summary; ``source_index`` points into the article's sentences
    (None when an abstractive model wrote a sentence that has no single source)."""

    text: str
    source_index: int | None


@runtime_checkable
class Summarizer(Protocol):
    name: str

    def summarize(self, sentences: Sequence[str | Sentence], count: int) -> list[SummarySentence]:
        """Return at most ``count`` summary sentences, in article order.

        The pipeline passes ``service.segmentation.Sentence`` objects so summarizers can
        honour headline flags; plain strings are accepted too.
        """
        ...
