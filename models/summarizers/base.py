"""The summarizer interface."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


class SourceSentence(Protocol):
    """What a summarizer reads of an article sentence (the service's segmenter yields these)."""

    @property
    def text(self) -> str: ...

    @property
    def is_headline(self) -> bool: ...


@dataclass(frozen=True)
class SummarySentence:
    """One sentence of a summary; ``source_index`` points into the article's sentences.

    None means written text with no single source: an abstractive model's output,
    which the service splits into sentences and traces back where it can.
    """

    text: str
    source_index: int | None


@runtime_checkable
class Summarizer(Protocol):
    name: str

    def summarize(self, sentences: Sequence[str | SourceSentence], count: int) -> list[SummarySentence]:
        """Return at most ``count`` summary sentences, in article order.

        Items are plain strings or :class:`SourceSentence` objects, whose headline
        flags a summarizer may honour.
        """
        ...
