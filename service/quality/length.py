"""Length ratio: characters of the translation per character of the English (spaces not counted),
against the range measured for the language pair.

``RANGES`` comes from the development half of bench/data/quality (``python -m bench --parts
quality`` prints the measurement): the 1st percentile x 0.85 and the 99th x 1.4, so the few
legitimately short or long references stay inside and engine output has room to vary.
"""
from __future__ import annotations

from service.brief import QualityFlag
from service.quality.target import Finding, Target
from service.settings import QualityOptions

LENGTH_RATIO = "length-ratio"
KINDS = (LENGTH_RATIO,)
RANGES: dict[str, tuple[float, float]] = {"ja": (0.29, 1.02), "ko": (0.26, 0.93)}
MIN_SOURCE_CHARS = 20  # a headline of three words says little about length


def char_count(text: str) -> int:
    """Characters without whitespace."""
    return sum(1 for ch in text if not ch.isspace())


def ratio(target: Target) -> float:
    """Translation characters per English character."""
    return char_count(target.text) / max(1, char_count(target.source))


def check(target: Target, options: QualityOptions) -> list[Finding]:
    """A flag when the ratio is outside the pair's range, counting more the further out it is."""
    bounds = RANGES.get(target.lang)
    if bounds is None or char_count(target.source) < MIN_SOURCE_CHARS or not target.text.strip():
        return []
    low, high = bounds
    value = ratio(target)
    if low <= value <= high:
        return []
    if value < low:
        severity = min(1.0, (low - value) / (low / 2))
        detail = f"the translation is short for its English: {value:.2f} characters per English character " \
                 f"(usual for en-{target.lang}: {low:.2f} to {high:.2f})"
    else:
        severity = min(1.0, (value - high) / high)
        detail = f"the translation is long for its English: {value:.2f} characters per English character " \
                 f"(usual for en-{target.lang}: {low:.2f} to {high:.2f})"
    return [Finding(QualityFlag(LENGTH_RATIO, detail), round(severity, 3))]
