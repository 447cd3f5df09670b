"""When does a rendering occur in target text as a name of its own, not as part of a longer word?

日本 in 日本人 ("Japanese"), 일본 in 일본어 ("the Japanese language"), 朝鮮 in 北朝鮮, 북한 in 남북한 and
US in USB are not mentions: counting or removing them would damage the word. A name followed by a
particle (日本は, 일본은, 일본의) is a mention. Restoration and the tests share this one definition.
"""
from __future__ import annotations

import re

from service.glossary.matcher import WORD_CHARS

_LATIN = re.compile(rf"[{WORD_CHARS}]")
# Korean particles (and particle-led endings) that may follow a name directly; longest first.
KOREAN_PARTICLES: tuple[str, ...] = tuple(sorted({
    "은", "는", "이", "가", "을", "를", "과", "와", "의", "에", "에서", "에게", "에는", "에도", "에선",
    "으로", "로", "도", "만", "까지", "부터", "보다", "처럼", "이나", "나", "이랑", "랑", "란", "이란",
    "이라는", "라는", "께서", "께", "한테", "하고", "조차", "마저", "뿐", "밖에", "대로", "같이",
}, key=len, reverse=True))
# Chinese has no particles to mark a name's edge; these one-character function words are the
# few safe ones (a conservative list: an extra copy missed is harmless, a word cut in two is not).
_ZH_AFTER = frozenset("的和与及是在也都将已对并就还又则而或被把向从")
_ZH_BEFORE = frozenset("的和与及是在对从向同由将把被于自跟给让称")


def is_kanji(char: str) -> bool:
    """CJK ideograph (kanji / hanzi / hanja), including the iteration mark 々."""
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x2FA1F or char in "々〆")


def is_katakana(char: str) -> bool:
    """Katakana letters and the long-vowel mark; the middle dot ・ separates words, so it is not."""
    code = ord(char)
    return (0x30A1 <= code <= 0x30FA or 0x30FC <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF
            or 0xFF66 <= code <= 0xFF9F)


def is_hangul(char: str) -> bool:
    """Hangul syllables and jamo."""
    code = ord(char)
    return 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F


def _latin_edges_ok(word: str, before: str, after: str) -> bool:
    if before and _LATIN.match(word[0]) and _LATIN.match(before):
        return False
    return not (after and _LATIN.match(word[-1]) and _LATIN.match(after))


def _japanese_ok(word: str, before: str, after: str) -> bool:
    first, last = word[0], word[-1]
    if before and ((is_kanji(first) and is_kanji(before)) or (is_katakana(first) and is_katakana(before))):
        return False
    if after and (is_kanji(last) or is_katakana(last)) and is_kanji(after):
        return False
    return not (after and is_katakana(last) and is_katakana(after))


def _chinese_ok(word: str, before: str, after: str) -> bool:
    if before and is_kanji(word[0]) and is_kanji(before) and before not in _ZH_BEFORE:
        return False
    return not (after and is_kanji(word[-1]) and is_kanji(after) and after not in _ZH_AFTER)


def _korean_ok(word: str, before: str, rest: str) -> bool:
    if before and is_hangul(word[0]) and is_hangul(before):
        return False
    if rest and is_hangul(word[-1]) and is_hangul(rest[0]):
        return rest.startswith(KOREAN_PARTICLES)
    return True


def is_standalone(text: str, start: int, end: int, lang: str) -> bool:
    """True when ``text[start:end]`` stands as a word of its own in ``lang`` text (see module doc)."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"span {start}:{end} is not inside a text of length {len(text)}")
    word = text[start:end]
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if not _latin_edges_ok(word, before, after):
        return False
    if lang == "ja":
        return _japanese_ok(word, before, after)
    if lang == "zh":
        return _chinese_ok(word, before, after)
    if lang == "ko":
        return _korean_ok(word, before, text[end:end + 4])
    return True


def find_standalone(text: str, rendering: str, lang: str, *, ignore_case: bool = False) -> list[tuple[int, int]]:
    """(start, end) of every standalone, non-overlapping occurrence of ``rendering`` in ``text``.

    Occurrences inside a longer word (日本人, 일본어, 北朝鮮, 남북한, USB) are skipped; a name with a
    particle attached (日本は, 일본은) counts, and the span covers the name only.
    """
    if not isinstance(text, str) or not isinstance(rendering, str):
        raise TypeError("text and rendering must be strings")
    if not rendering:
        raise ValueError("rendering must not be empty")
    pattern = re.compile(re.escape(rendering), re.IGNORECASE if ignore_case else 0)
    found: list[tuple[int, int]] = []
    position = 0
    while (m := pattern.search(text, position)) is not None:
        if is_standalone(text, m.start(), m.end(), lang):
            found.append((m.start(), m.end()))
            position = m.end()
        else:
            position = m.start() + 1
    return found
