"""Alignment checks: one target sentence per source sentence, or a warning saying otherwise."""
from __future__ import annotations

import re
from collections.abc import Sequence

from service.brief import AlignedSegment, BriefWarning

# A sentence end followed by more text means the model produced several sentences.
_INNER_SENTENCE_END = re.compile(r"(?:[。！？!?]|\.(?=\s))[」』”\"')]*\s*(?=\S)")


def count_target_sentences(text: str) -> int:
    """Number of sentences in a translation (0 for empty text)."""
    text = text.strip()
    if not text:
        return 0
    return 1 + len(_INNER_SENTENCE_END.findall(text))


def alignment_warnings(segments: Sequence[AlignedSegment]) -> list[BriefWarning]:
    """Warn where a segment's translation is empty or holds several sentences; pairs are kept."""
    warnings = []
    for segment in segments:
        for lang, text in segment.translations.items():
            n = count_target_sentences(text)
            if n == 0:
                warnings.append(BriefWarning(
                    "alignment-empty", "the model returned no text for this sentence",
                    segment.id, lang))
            elif n > 1:
                warnings.append(BriefWarning(
                    "alignment-multiple",
                    f"the model returned {n} sentences for one source sentence; kept together",
                    segment.id, lang))
    return warnings
