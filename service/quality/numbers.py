"""The numbers and dates check: every number, amount, percentage, ordinal, date and time of the English
is in the translation in an accepted form, and the translation has no number the English lacks.

English quantities come from ``english.py``, the translation's from ``cjk.py`` (the accepted forms
are listed there and in README.md). A translated value of 1 is never reported as added: "a year",
"per person" and "a barrel" are written 1年, 1人当たり, 1バレル.
"""
from __future__ import annotations

from service.brief import QualityFlag, QualitySpan
from service.quality.cjk import target_quantities
from service.quality.english import english_quantities
from service.quality.quantities import DATE, TIME, Quantity, QuantityIndex, value_key
from service.quality.target import Finding, Target
from service.settings import QualityOptions

NUMBER_MISSING, NUMBER_ADDED, DATE_MISMATCH = "number-missing", "number-added", "date-mismatch"
KINDS = (NUMBER_MISSING, NUMBER_ADDED, DATE_MISMATCH)
SCRIPT_LANGS = ("ja", "ko")  # the target languages whose numerals cjk.py reads


def check(target: Target, options: QualityOptions) -> list[Finding]:
    """Numbers of the English missing from the translation, and numbers the translation added."""
    if target.source_lang != "en" or target.lang not in SCRIPT_LANGS or not target.text.strip():
        return []
    source = english_quantities(target.source)
    translated = target_quantities(target.text)
    in_source, in_translation = QuantityIndex(source), QuantityIndex(translated)
    findings = [_missing(target, q) for q in source if q.hard and not in_translation.finds(q)]
    findings += [_added(target, q) for q in translated
                 if q.hard and 1.0 not in map(value_key, q.values) and not in_source.explains(q)]
    return findings


def _missing(target: Target, quantity: Quantity) -> Finding:
    written = target.source[quantity.start:quantity.end]
    if quantity.kind in (DATE, TIME):
        what = "date" if quantity.kind == DATE else "time"
        flag = QualityFlag(DATE_MISMATCH, f"the {what} part {written!r} of the English is not in the translation",
                           QualitySpan("en", quantity.start, quantity.end))
    else:
        flag = QualityFlag(NUMBER_MISSING, f"{written!r} of the English is not in the translation",
                           QualitySpan("en", quantity.start, quantity.end))
    return Finding(flag)


def _added(target: Target, quantity: Quantity) -> Finding:
    written = target.text[quantity.start:quantity.end]
    kind = DATE_MISMATCH if quantity.kind in (DATE, TIME) else NUMBER_ADDED
    what = "date" if quantity.kind in (DATE, TIME) else "number"
    return Finding(QualityFlag(kind, f"the translation has the {what} {written!r}, which the English lacks",
                               QualitySpan(target.lang, quantity.start, quantity.end)))



