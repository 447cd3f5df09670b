"""The translator interface every engine and every wrapper implements.

Like Argos Translate's ITranslation: wrappers (glossary enforcement, caching,
routing by pair) take a Translator and are one, so they stack and each can be
tested with a dict-backed fake.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable


@runtime_checkable
class Translator(Protocol):
    """Translates a batch of sentences for one language pair, one output per input."""

    def translate_batch(
        self, texts: Sequence[str], source_lang: str, target_lang: str
    ) -> list[str]:
        """Return exactly ``len(texts)`` translations, in input order."""
        ...


def validated_texts(texts: Sequence[str]) -> list[str]:
    """The batch as a list; TypeError for a bare string or a non-string item."""
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of strings, not a string")
    texts = list(texts)
    if any(not isinstance(t, str) for t in texts):
        raise TypeError("every text must be a string")
    return texts
