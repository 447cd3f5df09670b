"""Korean particles that must agree with the final sound of the name they follow.

A restored name may end differently from what the model saw (a placeholder), so the particle the
model chose can be wrong: 서울는 → 서울은, 미국를 → 미국을, 서울으로 → 서울로 (ㄹ takes 로).
"""
from __future__ import annotations

import re

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL_FINAL = 8  # index of ㄹ among the 28 final-consonant slots
# How the last digit or letter of a non-Hangul name is read aloud in Korean: final consonant or not,
# and whether that final is ㄹ (일, 칠, 팔; "L" is 엘).
_DIGIT_FINALS = {"0": "ng", "1": "l", "2": "", "3": "m", "4": "", "5": "", "6": "k", "7": "l", "8": "l", "9": ""}
_LETTER_FINALS = {"l": "l", "m": "m", "n": "n", "r": "l"}
# (after a final consonant, after a vowel) -- longest first so 으로 is seen before 로.
PARTICLE_PAIRS: tuple[tuple[str, str], ...] = (
    ("으로", "로"),
    ("은", "는"),
    ("이", "가"),
    ("을", "를"),
    ("과", "와"),
    ("이나", "나"),
    ("이랑", "랑"),
)
# A particle is only a particle when what follows it is not more of the same word.
_FOLLOWERS = {
    "으로": "서써부는도의만",
    "로": "서써부는도의만",
    "과": "의는도",
    "와": "의는도",
    "은": "",
    "는": "",
    "을": "",
    "를": "",
    "이": "",
    "가": "",
    "이나": "",
    "나": "",
    "이랑": "",
    "랑": "",
}
_TRAILING_NOISE = re.compile(r"[\s\)\]\}\"'”’」』》〉.]+$")


def _final_of(word: str) -> str | None:
    """'' for a vowel ending, 'l' for ㄹ, another consonant tag otherwise; None if unknown."""
    word = _TRAILING_NOISE.sub("", word)
    if not word:
        return None
    last = word[-1]
    code = ord(last)
    if _HANGUL_FIRST <= code <= _HANGUL_LAST:
        final = (code - _HANGUL_FIRST) % 28
        return "" if final == 0 else ("l" if final == _RIEUL_FINAL else "c")
    if last in _DIGIT_FINALS:
        return _DIGIT_FINALS[last]
    if last.isascii() and last.isalpha():
        return _LETTER_FINALS.get(last.lower(), "")
    return None


def _choose(final: str, pair: tuple[str, str]) -> str:
    with_final, after_vowel = pair
    if pair[0] == "으로":
        return after_vowel if final in ("", "l") else with_final
    return with_final if final else after_vowel


def _is_hangul(char: str) -> bool:
    return _HANGUL_FIRST <= ord(char) <= _HANGUL_LAST


def fix_particle(name: str, following_text: str) -> str:
    """``following_text`` with a leading particle made to agree with ``name``'s final sound.

    A particle separated from the name by spaces (a model's "서울 는") is attached as well; text
    that does not start with a particle comes back unchanged.
    """
    final = _final_of(name)
    if final is None or not following_text:
        return following_text
    stripped = following_text.lstrip(" ")
    for pair in PARTICLE_PAIRS:
        for particle in sorted(pair, key=len, reverse=True):
            if not stripped.startswith(particle):
                continue
            rest = stripped[len(particle):]
            if rest and _is_hangul(rest[0]) and rest[0] not in _FOLLOWERS[particle]:
                continue
            detached = stripped is not following_text and len(stripped) != len(following_text)
            if detached and particle in ("이", "가"):
                return following_text  # a lone 이/가 after a space is a word (this / go), not a particle
            return _choose(final, pair) + rest
    return following_text
