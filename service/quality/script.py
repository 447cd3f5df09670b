"""Script: the share of a translation's letters written in the target language's script.

Japanese counts kana and kanji, Korean hangul; the letters of any other script (hangul in
Japanese, kana in Korean, Cyrillic, ...) count against it. Latin letters are left to the
untranslated check (English words, allowed names and acronyms alike), so a half-English sentence
is one finding, not two; digits, punctuation and spaces are ignored. Japanese with many kanji and
no kana at all is flagged too: it reads as Chinese.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable

from service.brief import QualityFlag
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


def is_latin(ch: str) -> bool:
    return ch.isascii() or "\u00c0" <= ch <= "\u024f"


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
    letters = [ch for ch in unicodedata.normalize("NFKC", target.text) if ch.isalpha() and not is_latin(ch)]
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
