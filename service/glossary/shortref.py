"""Short references: a later "Kishida", "Secretary Austin" or "Foreign Minister Park" is the person
named in full earlier, rendered with the person's short rendering (岸田 / 기시다, 朴 / 박).

A person's *reference words* are the first and last words of the name without initials and
suffixes ("Lloyd J. Austin III" → Lloyd, Austin; "Park Jin" → Park, Jin): the family name is one
of them in either name order. A word two known persons share links to neither (the glossary
layer warns instead).

Short renderings come from the glossary entry (``GlossaryEntry.short_renderings``); without one
they are derived only where the family name's place in the rendering is certain, else the full
rendering is used:

* a Western name (its Japanese rendering is katakana with "・"): the part after the last "・" in
  Japanese, the last word in Korean (ブリンケン, 블링컨);
* a family-first name ("Park Jin", "Kishida Fumio"): in Korean the first word of a spaced rendering
  (기시다 후미오 → 기시다) or the family name of an unspaced one, two syllables for the compound
  family names (남궁, 선우, 제갈, 황보 ...), else one (박진 → 박); in Japanese the part before the first
  "・" of a katakana rendering (イ・ハウン → イ). A kanji rendering (朴振, 岸田文雄) is never cut.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from service.glossary.wordlists import CORE_TITLES, SUFFIXES

FIRST, LAST = "first", "last"
# Korean family names written with two syllables.
KOREAN_COMPOUND_FAMILY_NAMES = frozenset("남궁 선우 제갈 황보 독고 사공 서문 동방 어금 망절 황목 소봉".split())
_INITIAL = re.compile(r"^[A-Z]\.?$")
_HANGUL = re.compile(r"^[\uac00-\ud7a3]+$")
_KATAKANA = re.compile(r"^[\u30a0-\u30ff\uff65-\uff9f・=＝ー]+$")
_HONORIFICS = frozenset({"Mr", "Mrs", "Ms", "Miss", "Dr", "Sir", "Dame"})


def name_words(name: str) -> list[str]:
    """A person's name as words, without initials, suffixes, commas and titles."""
    words = [w.strip(",") for w in name.split()]
    words = [w for w in words if w and not _INITIAL.match(w) and w.rstrip(".") not in SUFFIXES]
    while words and words[0].rstrip(".") in CORE_TITLES | _HONORIFICS:
        words = words[1:]
    return words


def reference_words(name: str) -> dict[str, str]:
    """The words a later mention may use alone for this person, each with its place: {"Park": "first", ...}."""
    words = name_words(name)
    if len(words) < 2:
        return {}
    return {words[-1]: LAST, words[0]: FIRST}


def is_western(renderings: Mapping[str, str]) -> bool:
    """Whether the person's name is Western: Japanese writes it in katakana with "・" (and Korean does
    not write it as one unspaced word of two to four syllables, as it writes Korean names)."""
    ja, ko = renderings.get("ja", ""), renderings.get("ko", "")
    korean = bool(_HANGUL.match(ko)) and 2 <= len(ko) <= 4
    return "・" in ja and bool(_KATAKANA.match(ja.replace(" ", ""))) and not korean


def family_place(renderings: Mapping[str, str]) -> set[str]:
    """Where the family name may stand in the English name: last for a Western name, first for a
    Korean or Chinese one (its Korean rendering is unspaced hangul), either for other names."""
    if is_western(renderings):
        return {LAST}
    ko = renderings.get("ko", "")
    if ko and _HANGUL.match(ko):
        return {FIRST}
    return {FIRST, LAST}


def derive_short(rendering: str, lang: str, place: str, renderings: Mapping[str, str]) -> str | None:
    """The short rendering of ``rendering`` (language ``lang``) for a mention by the word at ``place``
    of the English name, where it is certain; None where it is not (use the full rendering)."""
    rendering = rendering.strip()
    western = is_western(renderings)
    if lang == "ja" and "・" in rendering and _KATAKANA.match(rendering.replace(" ", "")):
        parts = [p for p in rendering.split("・") if p]
        if len(parts) >= 2:
            return parts[-1] if (place == LAST and western) else parts[0] if (place == FIRST and not western) else None
    if lang == "ko" and all(_HANGUL.match(w) for w in rendering.split()):
        words = rendering.split()
        if len(words) >= 2:
            return words[-1] if (place == LAST and western) else words[0] if (place == FIRST and not western) else None
        if place == FIRST and not western and 2 <= len(rendering) <= 4:
            family = rendering[:2] if rendering[:2] in KOREAN_COMPOUND_FAMILY_NAMES else rendering[:1]
            return family if len(rendering) > len(family) else None
    return None
