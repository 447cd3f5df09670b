"""Script: the share of a translation's letters written in the target language's script.

Japanese counts kana and kanji, Korean hangul. Latin words a translation may keep (acronyms,
units, names: ``latin.py``) count for neither side; digits, punctuation and spaces are ignored.
Japanese with many kanji and no kana at all is flagged too: it reads as Chinese.
"""
from __future__ import annotations

from collections.abc import Callable

from service.brief import QualityFlag
from service.quality.latin import LATIN_WORD, allowed_words, is_allowed
from service.quality.quantities import Normalised
from service.quality.target import Finding, Target
from service.settings import QualityOptions

WRONG_SCRIPT = "wrong-script"
KINDS = (WRONG_SCRIPT,)
# Below FULL the flag counts fully; between FULL and CLEAN it counts in proportion.
CLEAN_SHARE, FULL_SHARE = 0.8, 0.5
KANJI_WITHOUT_KANA = 8


def is_kana(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff" or "\u31f0" <= ch <= "\u31ff" or "\uff66" <= ch <= "\uff9f"


def is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch in "々〆ヶ"


def is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


SCRIPTS: dict[str, tuple[str, Callable[[str], bool]]] = {
    "ja": ("kana and kanji", lambda ch: is_kana(ch) or is_kanji(ch)),
    "ko": ("hangul", is_hangul),
}


def check(target: Target, options: QualityOptions) -> list[Finding]:
    """A flag when too few letters are in the target script."""
    script = SCRIPTS.get(target.lang)
    if script is None or not target.text.strip():
        return []
    name, in_script = script
    text = _without_allowed_latin(target)
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return []
    share = sum(1 for ch in letters if in_script(ch)) / len(letters)
    findings = []
    if share < CLEAN_SHARE:
        severity = min(1.0, (CLEAN_SHARE - share) / (CLEAN_SHARE - FULL_SHARE))
        findings.append(Finding(QualityFlag(
            WRONG_SCRIPT, f"only {share:.0%} of the letters are {name} ({target.lang})"), severity))
    elif target.lang == "ja" and not any(is_kana(ch) for ch in letters) and \
            sum(1 for ch in letters if is_kanji(ch)) >= KANJI_WITHOUT_KANA:
        findings.append(Finding(QualityFlag(WRONG_SCRIPT, "kanji without any kana: this reads as Chinese"), 0.8))
    return findings


def _without_allowed_latin(target: Target) -> str:
    norm = Normalised(target.text).text
    allowed = allowed_words(target.source, target.protected)
    return LATIN_WORD.sub(lambda m: " " if is_allowed(m.group(), allowed) else m.group(), norm)
