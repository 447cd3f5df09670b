"""The translator interface every engine and every wrapper implements.

Like Argos Translate's ITranslation: wrappers (glossary enforcement, caching,
routing by pair) take a Translator and are one, so they stack and each can be
tested with a dict-backed fake.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
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


def translate_nonblank(
    texts: Sequence[str], run: Callable[[list[str]], list[str]], chunk_size: int | None = None
) -> list[str]:
    """Validate a batch, send its non-blank texts to ``run`` (in chunks), put "" where text was blank."""
    texts = validated_texts(texts)
    results = [""] * len(texts)
    todo = [i for i, t in enumerate(texts) if t.strip()]
    size = max(1, chunk_size or len(todo) or 1)
    for start in range(0, len(todo), size):
        chunk = todo[start:start + size]
        for i, text in zip(chunk, run([texts[i] for i in chunk])):
            results[i] = text
    return results
