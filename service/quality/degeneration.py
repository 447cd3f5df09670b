"""Degeneration of engine output: characters or phrases repeated in a loop, and a sentence cut short.

Repetition: one character four times or more in a row (セセセセ), or a phrase of up to 20
characters three times or more in a row, spaces between allowed (추가 추가 추가); digits and
punctuation alone do not count (1000, ……). Truncation: the English ends a sentence and the
translation does not (no final 。 . ! ? or closing quote), or the translation is empty; it counts
fully when the translation is also shorter than the pair's range (``length.RANGES``).
"""
from __future__ import annotations

import re

from service.brief import QualityFlag, QualitySpan
from service.quality.length import RANGES, ratio
from service.quality.target import Finding, Target
from service.settings import QualityOptions

REPETITION, TRUNCATION = "repetition", "truncation"
KINDS = (REPETITION, TRUNCATION)
_CHAR_LOOP = re.compile(r"([^\W\d_])\1{3,}")
_PHRASE_LOOP = re.compile(r"(?P<unit>\S(?:.{0,18}?\S)?)(?:\s?(?P=unit)){2,}")
SENTENCE_END = tuple(".!?。．！？」』”\"')）»…")
CUT_SHORT_SEVERITY = 0.6


def check(target: Target, options: QualityOptions) -> list[Finding]:
    """Repetition loops and truncation of one engine output."""
    return _repetition(target) + _truncation(target)


def _repetition(target: Target) -> list[Finding]:
    for pattern in (_CHAR_LOOP, _PHRASE_LOOP):
        for match in pattern.finditer(target.text):
            unit = match.group(1)
            if not any(ch.isalpha() for ch in unit) or (pattern is _PHRASE_LOOP and len(unit) == 1):
                continue  # digits or punctuation, or a single character below the character-loop length
            loop = match.group()
            shown = loop if len(loop) <= 40 else loop[:37] + "..."
            return [Finding(QualityFlag(REPETITION, f"{unit!r} repeated in a loop: {shown!r}",
                                        QualitySpan(target.lang, match.start(), match.end())))]
    return []


def _truncation(target: Target) -> list[Finding]:
    source, text = target.source.rstrip(), target.text.rstrip()
    if not source:
        return []
    if not text:
        return [Finding(QualityFlag(TRUNCATION, "the translation is empty"))]
    if not source.endswith(SENTENCE_END) or text.endswith(SENTENCE_END):
        return []
    low = RANGES.get(target.lang, (0.0, 0.0))[0]
    short = ratio(target) < low
    detail = "the English ends its sentence and the translation does not" + (
        ", and the translation is short for its English" if short else "")
    return [Finding(QualityFlag(TRUNCATION, detail, QualitySpan(target.lang, len(text), len(text))),
                    1.0 if short else CUT_SHORT_SEVERITY)]
