"""Model confidence: the engine's own score of its output, the mean log-probability per output token
(natural log; CTranslate2's ``return_scores`` normalised by length, transformers' scores of the
generated tokens). It is off at or above ``quality.confidence_ok`` and fully on at or below
``quality.confidence_low``, linear between. Translations without a score (a cache entry written
before scores were kept, an engine that gives none) are not judged on it.
"""
from __future__ import annotations

from service.brief import QualityFlag
from service.quality.target import Finding, Target
from service.settings import QualityOptions

LOW_CONFIDENCE = "low-confidence"
KINDS = (LOW_CONFIDENCE,)


def check(target: Target, options: QualityOptions) -> list[Finding]:
    """A flag when the engine's mean log-probability per token is below ``confidence_ok``."""
    score = target.confidence
    if score is None or score >= options.confidence_ok:
        return []
    severity = min(1.0, (options.confidence_ok - score) / (options.confidence_ok - options.confidence_low))
    return [Finding(QualityFlag(LOW_CONFIDENCE, f"the engine's mean log-probability per token is {score:.2f} "
                                f"(no concern from {options.confidence_ok:g}, fully low at "
                                f"{options.confidence_low:g})"), round(severity, 3))]
