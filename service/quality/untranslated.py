"""Untranslated text: English words left in the translation, other than names, acronyms and units."""
from __future__ import annotations

from service.brief import QualityFlag, QualitySpan
from service.quality.latin import LATIN_WORD, allowed_words, is_allowed
from service.quality.quantities import Normalised
from service.quality.target import Finding, Target
from service.settings import QualityOptions

UNTRANSLATED = "untranslated"
NON_LATIN = ("ja", "ko", "zh")
KINDS = (UNTRANSLATED,)
# Severity by the number of English words left: one word already needs a look.
SEVERITY = {1: 0.6, 2: 0.8}


def check(target: Target, options: QualityOptions) -> list[Finding]:
    """One flag per run of English words the translation kept, severity by how many words in all
    (for English into a language not written in Latin script)."""
    if target.source_lang != "en" or target.lang not in NON_LATIN:
        return []
    norm = Normalised(target.text)
    allowed = allowed_words(target.source, target.protected)
    runs: list[tuple[int, int, int]] = []  # start, end, words
    for match in LATIN_WORD.finditer(norm.text):
        if is_allowed(match.group(), allowed):
            continue
        if runs and _latin_gap(norm.text[runs[-1][1]:match.start()]):
            start, _, words = runs[-1]
            runs[-1] = (start, match.end(), words + 1)
        else:
            runs.append((match.start(), match.end(), 1))
    if not runs:
        return []
    total = sum(words for _, _, words in runs)
    severity = SEVERITY.get(total, 1.0)
    findings = []
    for start, end, words in runs:
        a, b = norm.span(start, end)
        text = target.text[a:b]
        shown = text if len(text) <= 60 else text[:57] + "..."
        findings.append(Finding(QualityFlag(UNTRANSLATED, f"{words} English word(s) left untranslated: {shown!r}",
                                            QualitySpan(target.lang, a, b)), severity))
    return findings


def _latin_gap(gap: str) -> bool:
    """Whether two English words belong to one untranslated run: nothing but Latin letters, digits,
    spaces and punctuation between them (allowed words such as names may be inside a clause)."""
    return all(ch.isascii() or not ch.isalpha() for ch in gap) and "。" not in gap and "、" not in gap
