"""The verdict on one translation: every signal of the table, weighted into one score.

Each signal family gives findings with a severity in [0, 1]; the family counts with its weight
(``quality.weights``) times its strongest finding, and the score is the product of what every
family leaves: ``score = Π (1 - weight × severity)``. 1 means no signal fired; a segment needs
review when its score is below ``quality.threshold``. With the default weights one finding of the
numbers, untranslated, script or degeneration checks at full severity is enough on its own.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from service.brief import QualityFlag, SegmentQuality
from service.quality import confidence, degeneration, glossary, length, numbers, script, untranslated
from service.quality.target import Finding, Target
from service.settings import QualityOptions

Check = Callable[[Target, QualityOptions], list[Finding]]


@dataclass(frozen=True)
class Signal:
    """One signal family: its name (and weight in ``quality.weights``), its check, its flag kinds, and
    whether it judges only engine output (memory and reviewer text are human)."""

    name: str
    check: Check
    kinds: tuple[str, ...]
    model_only: bool


SIGNALS: tuple[Signal, ...] = (
    Signal("numbers", numbers.check, numbers.KINDS, model_only=False),
    Signal("untranslated", untranslated.check, untranslated.KINDS, model_only=False),
    Signal("script", script.check, script.KINDS, model_only=False),
    Signal("degeneration", degeneration.check, degeneration.KINDS, model_only=True),
    Signal("length", length.check, length.KINDS, model_only=True),
    Signal("confidence", confidence.check, confidence.KINDS, model_only=True),
    Signal("glossary", glossary.check, glossary.KINDS, model_only=True),
)
FLAG_KINDS = tuple(kind for signal in SIGNALS for kind in signal.kinds)
MAX_FLAGS_PER_SIGNAL = 10  # a long segment full of numbers lists ten and says how many more


def findings(target: Target, options: QualityOptions) -> dict[str, list[Finding]]:
    """Each applicable signal's findings (an empty list when it found nothing)."""
    return {signal.name: signal.check(target, options) for signal in SIGNALS
            if target.by_model or not signal.model_only}


def assess(target: Target, options: QualityOptions) -> SegmentQuality:
    """The verdict on one translation."""
    found = findings(target, options)
    weights = dataclasses.asdict(options.weights)
    score = 1.0
    flags: list[QualityFlag] = []
    for name, items in found.items():
        if items:
            score *= 1.0 - min(1.0, weights[name] * max(item.severity for item in items))
            flags += _listed(name, [item.flag for item in items])
    score = round(score, 3)
    return SegmentQuality(score=score, needs_review=score < options.threshold, flags=flags,
                          confidence=None if target.confidence is None else round(target.confidence, 4))


def _listed(name: str, flags: list[QualityFlag]) -> list[QualityFlag]:
    if len(flags) <= MAX_FLAGS_PER_SIGNAL:
        return flags
    rest = flags[MAX_FLAGS_PER_SIGNAL:]
    return [*flags[:MAX_FLAGS_PER_SIGNAL],
            QualityFlag(rest[0].kind, f"and {len(rest)} more finding(s) of the {name} signal, not listed")]
