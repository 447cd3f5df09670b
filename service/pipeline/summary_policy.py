"""Summary policy: how many sentences a summary gets, and how written text becomes sentences.

Summarizers in ``models/`` pick or write text; what counts as a sentence and how long
a summary is are decisions of the service, made here for every summarizer alike.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from models.summarizers.abstractive import best_source
from models.summarizers.base import SummarySentence
from service.pipeline.segmentation import split_sentences


def summary_count(
    n_sentences: int, sentences: int | None, ratio: float | None, default: int, maximum: int
) -> int:
    """How many sentences a summary gets: an explicit count, a ratio of the article,
    or ``default``; never more than ``maximum`` or than the article has."""
    if n_sentences < 0:
        raise ValueError(f"n_sentences must be >= 0, got {n_sentences}")
    if default < 1 or maximum < 1:
        raise ValueError("default and maximum must be >= 1")
    if sentences is not None and ratio is not None:
        raise ValueError("give either sentences or ratio, not both")
    if sentences is not None:
        if isinstance(sentences, bool) or not isinstance(sentences, int) or sentences < 1:
            raise ValueError(f"sentences must be an integer >= 1, got {sentences!r}")
        wanted = sentences
    elif ratio is not None:
        if not isinstance(ratio, (int, float)) or isinstance(ratio, bool) or not 0 < ratio <= 1:
            raise ValueError(f"ratio must be in (0, 1], got {ratio!r}")
        wanted = max(1, math.ceil(ratio * n_sentences - 1e-9))
    else:
        wanted = default
    return min(wanted, maximum, n_sentences)


def segment_written(
    summary: Sequence[SummarySentence], sources: Sequence[str], count: int
) -> list[SummarySentence]:
    """Split written text (summary items without a ``source_index``) into sentences.

    A summarizer that writes new text (abstractive) hands its output over unsegmented:
    here it is split like an article, repeats (ignoring case) are dropped, at most
    ``count`` sentences are kept, and each is traced back to the article sentence in
    ``sources`` it shares the most words with. Picked sentences pass unchanged.
    """
    out: list[SummarySentence] = []
    seen: set[str] = set()
    for item in summary:
        if item.source_index is not None:
            out.append(item)
            continue
        for sentence in split_sentences(item.text):
            if len(seen) == count:
                break
            key = sentence.text.lower()
            if key in seen:
                continue
            seen.add(key)
            out.append(SummarySentence(sentence.text, best_source(sentence.text, sources)))
    return out
