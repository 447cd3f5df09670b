"""Summarizers by name. ``create_summarizer`` is the lookup table; each entry imports lazily."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from models.registry import ModelSpec
from models.summarizers.base import Summarizer
from service.settings import SummaryOptions

SummarizerFactory = Callable[[ModelSpec, Path, SummaryOptions], Summarizer]


def _extractive(spec: ModelSpec, path: Path, options: SummaryOptions) -> Summarizer:
    from models.summarizers.extractive import ExtractiveSummarizer

    return ExtractiveSummarizer(path, options)


def _abstractive(spec: ModelSpec, path: Path, options: SummaryOptions) -> Summarizer:
    from models.summarizers.abstractive import AbstractiveSummarizer

    return AbstractiveSummarizer(spec, path, options)


# Keyed by spec.key: "extractive" is served by the embedding spec embedding.extractive,
# "abstractive" by summarization.abstractive.
SUMMARIZERS: dict[str, SummarizerFactory] = {
    "extractive": _extractive,
    "abstractive": _abstractive,
}


def create_summarizer(spec: ModelSpec, path: Path, options: SummaryOptions) -> Summarizer:
    """Build the summarizer that ``spec`` configures, from the model folder at ``path``."""
    try:
        factory = SUMMARIZERS[spec.key]
    except KeyError:
        raise ValueError(
            f"no summarizer named {spec.key!r}; known: {', '.join(sorted(SUMMARIZERS))}") from None
    return factory(spec, Path(path), options)
