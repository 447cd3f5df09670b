"""Extractive summaries for news: centrality plus a lead prior, with MMR against repeats.

Steps: ``preprocess`` decides which sentences may be picked, ``forward`` embeds
them (the only step that touches the model), ``postprocess`` scores and selects.

Why these scores, for news in general:

* Centrality: the sentences closest to what the article as a whole says are the
  ones a summary needs; the reference point is the centroid of the candidate
  sentences. The headline is left out of it: it restates the lead, which the
  lead prior already favours, and counting it again pulls every pick towards
  the lead's topic so that the summary repeats itself.
* Lead prior: news is written as an inverted pyramid, so earlier sentences carry
  the key facts; ``lead_bias`` weighs a position prior against centrality.
* MMR (``redundancy`` is its lambda): a sentence that repeats one already chosen
  adds nothing; near-identical ones are never both chosen.
* Headlines, unpunctuated lines, fragments starting lower-case and sentences
  shorter than ``min_words`` are not summary sentences; they are used only when
  there are too few others.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from models.summarizers.base import SourceSentence, SummarySentence
from service.settings import SummaryOptions

# Cosine similarity above which two sentences say the same thing.
_DUPLICATE_SIMILARITY = 0.9
_FINAL_PUNCTUATION = tuple(".!?…\"”’'»)")


class Embedder(Protocol):
    def embed(self, sentences: Sequence[str]) -> Any:
        """Unit-length vectors, one row per sentence."""
        ...


@dataclass(frozen=True)
class Prepared:
    """What ``preprocess`` hands on: texts, which are headlines, which may be chosen."""

    texts: list[str]
    headline: list[bool]
    eligible: list[bool]


class ExtractiveSummarizer:
    """Picks the most central, earliest, non-redundant sentences, in article order."""

    name = "extractive"

    def __init__(self, embedder: Embedder | Path | str, options: SummaryOptions) -> None:
        if isinstance(embedder, (str, Path)):
            from models.embeddings import load_embedder

            # Loaded now, so a missing or corrupt model shows when the service starts.
            embedder = load_embedder(embedder, options)
        if not 0 <= options.lead_bias <= 1 or not 0 <= options.redundancy <= 1:
            raise ValueError("lead_bias and redundancy must be within [0, 1]")
        self.embedder = embedder
        self.options = options

    def summarize(self, sentences: Sequence[str | SourceSentence], count: int) -> list[SummarySentence]:
        """Return at most ``count`` sentences, in article order.

        Items are strings or :class:`SourceSentence` objects (whose ``is_headline``
        is then honoured).
        """
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be an integer >= 1, got {count!r}")
        prepared = self.preprocess(sentences)
        if count >= len(prepared.texts):
            return [SummarySentence(t, i) for i, t in enumerate(prepared.texts)]
        vectors = self.forward(prepared)
        chosen = self.postprocess(prepared, vectors, count)
        return [SummarySentence(prepared.texts[i], i) for i in chosen]

    def preprocess(self, sentences: Sequence[str | SourceSentence]) -> Prepared:
        """Texts, headline flags and which sentences may be picked."""
        if isinstance(sentences, str):
            raise TypeError("summarize takes a sequence of sentences, not one string")
        texts = [str(getattr(s, "text", s)) for s in sentences]
        headline = [bool(getattr(s, "is_headline", False)) for s in sentences]
        eligible = [not h and self._is_summary_sentence(t) for t, h in zip(texts, headline, strict=True)]
        return Prepared(texts, headline, eligible)

    def _is_summary_sentence(self, text: str) -> bool:
        stripped = text.strip()
        return (
            len(stripped.split()) >= self.options.min_words
            and not stripped[:1].islower()
            and stripped.endswith(_FINAL_PUNCTUATION)
        )

    def forward(self, prepared: Prepared) -> Any:
        """Unit vectors for every sentence, shape (n, dim)."""
        return self.embedder.embed(prepared.texts)

    def postprocess(self, prepared: Prepared, vectors: Any, count: int) -> list[int]:
        """Indices of the chosen sentences, sorted in article order."""
        import numpy as np

        vectors = np.asarray(vectors, dtype=np.float64)
        if vectors.ndim != 2 or vectors.shape[0] != len(prepared.texts):
            raise ValueError(f"expected one vector per sentence, got shape {vectors.shape}")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.where(norms > 1e-12, norms, 1.0)
        candidates = [i for i, ok in enumerate(prepared.eligible) if ok]
        # Too few proper sentences: fall back to every non-headline, then everything.
        if len(candidates) < count:
            candidates = [i for i, h in enumerate(prepared.headline) if not h]
        if len(candidates) < count:
            candidates = list(range(len(prepared.texts)))
        relevance = self._relevance(vectors, candidates)
        return sorted(self._select(vectors, candidates, relevance, count))

    def _relevance(self, vectors: Any, candidates: list[int]) -> dict[int, float]:
        """Centrality blended with the lead prior; rank is the position among candidates."""
        reference = _unit(vectors[candidates].mean(axis=0))
        # Raw cosines, not rescaled: MMR then weighs relevance and redundancy on one scale.
        centrality = vectors[candidates] @ reference
        bias = self.options.lead_bias
        return {
            index: (1 - bias) * float(c) + bias * _position_prior(rank)
            for rank, (index, c) in enumerate(zip(candidates, centrality, strict=True))
        }

    def _select(
        self, vectors: Any, candidates: list[int], relevance: dict[int, float], count: int
    ) -> list[int]:
        """Maximal marginal relevance; near-duplicates of a chosen sentence are skipped."""
        lam = self.options.redundancy
        chosen: list[int] = []
        remaining = list(candidates)
        while remaining and len(chosen) < count:
            def marginal(i: int) -> float:
                overlap = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
                return lam * relevance[i] - (1 - lam) * overlap

            best = max(remaining, key=marginal)
            remaining.remove(best)
            if any(float(vectors[best] @ vectors[j]) >= _DUPLICATE_SIMILARITY for j in chosen):
                continue
            chosen.append(best)
        return chosen


def _position_prior(rank: int) -> float:
    """1 for the first sentence, then slowly falling: the inverted pyramid."""
    return 1.0 / math.sqrt(rank + 1)


def _unit(vector: Any) -> Any:
    import numpy as np

    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 1e-12 else vector
