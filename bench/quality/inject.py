"""Deterministic error injection into the clean translations of bench/data/quality/pairs.jsonl.

Every kind of error the quality signals are meant to catch, each made by plain string surgery on
the reference translation, with a random generator seeded by (pair id, language, kind), so every
run makes exactly the same set. The injector finds numbers with its own simple patterns, not with
the checker's code, so the evaluation does not grade the checker against itself.

Kinds: number-changed, number-dropped, number-added, date-wrong, untranslated, truncation,
repetition, wrong-script. Digits glued to Latin letters (G7, COVID-19, 5G) are names, not the
sentence's numbers, and are left alone. A kind that does not apply to a pair (no number to change,
no date) is skipped for it.
"""
from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

KINDS = ("number-changed", "number-dropped", "number-added", "date-wrong", "untranslated", "truncation",
         "repetition", "wrong-script")
NUMBER_KINDS = ("number-changed", "number-dropped", "number-added", "date-wrong")

# A numeral of the translation with its myriad scaling, not glued to Latin letters.
_NUMERAL = re.compile(r"(?<![A-Za-z0-9.,])\d[\d,.]*(?:[千百천백]?[万億兆만억조](?:\s?\d[\d,.]*)?)*(?![A-Za-z0-9])")
COUNTERS = {
    "ja": ("人", "機", "台", "隻", "棟", "戸", "世帯", "社", "回", "度", "議席", "票", "カ国", "カ月", "個", "%", "年",
           "月", "日", "時", "分", "秒", "キロ", "メートル", "ドル", "円", "ウォン", "ユーロ", "トン", "倍", "位", "件",
           "歳", "店舗", "週", "時間", "ポイント"),
    "ko": ("명", "대", "척", "채", "가구", "곳", "개", "번", "차례", "회", "석", "표", "개국", "개월", "가지", "%",
           "년", "월", "일", "시", "분", "초", "km", "kg", "달러", "원", "엔", "유로", "톤", "배", "위", "건", "세",
           "주", "시간", "포인트"),
}
_DATE = {
    "ja": re.compile(r"(?P<y>\d{4})年|(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?"),
    "ko": re.compile(r"(?P<y>\d{4})년|(?P<m>\d{1,2})월(?:\s?(?P<d>\d{1,2})일)?"),
}
ADDED = {
    "ja": ("{n}人の", "約{n}件の", "{n}%の", "計{n}台の", "{n}カ所で", "{n}年に"),
    "ko": ("{n}명의 ", "약 {n}건의 ", "{n}%의 ", "총 {n}대의 ", "{n}곳에서 ", "{n}년에 "),
}
_PARTICLE = {"ja": re.compile(r"[はがをにで、]"), "ko": re.compile(r"(?<=[은는이가을를에서]) ")}
SENTENCE_END = "。．.!?！？"


@dataclass(frozen=True)
class Injected:
    """One translation with one injected error."""

    id: str
    lang: str
    kind: str
    en: str
    text: str


def inject_all(pair: dict[str, str], langs: tuple[str, ...] = ("ja", "ko")) -> list[Injected]:
    """Every kind that applies to this pair, in every language."""
    out = []
    for lang in langs:
        for kind in KINDS:
            rng = random.Random(f"{pair['id']}:{lang}:{kind}")
            text = INJECTORS[kind](pair, lang, rng)
            if text is not None and text != pair[lang]:
                out.append(Injected(pair["id"], lang, kind, pair["en"], text))
    return out


def _numerals(text: str) -> list[re.Match[str]]:
    return list(_NUMERAL.finditer(text))


def _changed(pair: dict[str, str], lang: str, rng: random.Random) -> str | None:
    """One numeral's digits changed: a digit replaced, a zero added or dropped, two digits swapped."""
    text = pair[lang]
    numerals = _numerals(text)
    if not numerals:
        return None
    match = rng.choice(numerals)
    runs = list(re.finditer(r"\d+", match.group()))
    run = rng.choice(runs)
    digits = run.group()
    start = match.start() + run.start()
    # Digit groups of 38,450.12 or the decimals of 1.5 keep their length (1.50 is still 1.5).
    grouped = "," in match.group() or text[start - 1:start] == "."
    for _ in range(20):
        new = _mutate(digits, rng, keep_length=grouped)
        if new != digits and not (new.startswith("0") and len(new) > 1 and not grouped):
            return text[:start] + new + text[start + len(digits):]
    return None


def _mutate(digits: str, rng: random.Random, *, keep_length: bool) -> str:
    how = rng.choice(("replace", "swap") if keep_length else ("replace", "add-zero", "drop-zero", "swap"))
    if how == "add-zero":
        return digits + "0"
    if how == "drop-zero" and "0" in digits[1:]:
        at = digits.rindex("0")
        return digits[:at] + digits[at + 1:]
    if how == "swap" and len(digits) >= 2:
        at = rng.randrange(len(digits) - 1)
        return digits[:at] + digits[at + 1] + digits[at] + digits[at + 2:]
    at = rng.randrange(len(digits))
    choices = [d for d in "0123456789" if d != digits[at] and not (at == 0 and d == "0")]
    return digits[:at] + rng.choice(choices) + digits[at + 1:]


def _dropped(pair: dict[str, str], lang: str, rng: random.Random) -> str | None:
    """One numeral removed with the counter or unit after it."""
    text = pair[lang]
    numerals = _numerals(text)
    if not numerals:
        return None
    match = rng.choice(numerals)
    end = match.end()
    rest = text[end:]
    spaced = rest.startswith(" ")
    counter = next((c for c in sorted(COUNTERS[lang], key=len, reverse=True) if rest.lstrip(" ").startswith(c)), "")
    if counter:
        end += len(counter) + (1 if spaced else 0)
    start = match.start()
    for prefix in ("約", "약 ", "計", "총 ", "最大", "최대 "):
        if text[:start].endswith(prefix):
            start -= len(prefix)
    return (text[:start] + text[end:]).replace("  ", " ")


def _added(pair: dict[str, str], lang: str, rng: random.Random) -> str | None:
    """A number phrase the English lacks, put after a particle (or a space in Korean)."""
    text = pair[lang]
    english = {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", pair["en"])}
    while True:
        n = rng.choice((rng.randint(2, 99), rng.randint(100, 9999), round(rng.uniform(1, 99), 1)))
        if float(n) not in english and str(n) not in text:
            break
    spots = [m.end() for m in _PARTICLE[lang].finditer(text) if 0 < m.end() < len(text) - 1]
    if not spots:
        return None
    at = rng.choice(spots)
    phrase = rng.choice(ADDED[lang]).format(n=n)
    return text[:at] + phrase + text[at:]


def _date_wrong(pair: dict[str, str], lang: str, rng: random.Random) -> str | None:
    """A year, month or day of a date changed to another plausible one."""
    text = pair[lang]
    dates = list(_DATE[lang].finditer(text))
    if not dates:
        return None
    match = rng.choice(dates)
    parts = [name for name in ("y", "m", "d") if match.group(name)]
    part = rng.choice(parts)
    value = int(match.group(part))
    low, high, step = {"y": (1900, 2100, 3), "m": (1, 12, 11), "d": (1, 31, 9)}[part]
    options = [v for v in range(max(low, value - step), min(high, value + step) + 1) if v != value]
    new = str(rng.choice(options))
    return text[:match.start(part)] + new + text[match.end(part):]


def _untranslated(pair: dict[str, str], lang: str, rng: random.Random) -> str | None:
    """The last part of the sentence left in English: the translation up to a point, then the English."""
    text, words = pair[lang], pair["en"].split()
    if len(words) < 6:
        return None
    share = rng.uniform(0.3, 0.6)
    english_tail = " ".join(words[round(len(words) * (1 - share)):])
    cut = _boundary(text, lang, round(len(text) * (1 - share)))
    return text[:cut].rstrip() + " " + english_tail


def _truncated(pair: dict[str, str], lang: str, rng: random.Random) -> str | None:
    """The translation cut at 30 to 70 percent of its length, as an engine stopped early."""
    text = pair[lang]
    cut = _boundary(text, lang, round(len(text) * rng.uniform(0.3, 0.7)))
    return text[:cut].rstrip().rstrip("、,")


def _repeated(pair: dict[str, str], lang: str, rng: random.Random) -> str | None:
    """A loop: one character repeated, or a short phrase repeated until the engine's length ran out."""
    text = pair[lang].rstrip(SENTENCE_END)
    cut = _boundary(text, lang, round(len(text) * rng.uniform(0.3, 0.8)))
    if rng.random() < 0.5:
        letters = [ch for ch in text if ch.isalpha() and not ch.isascii()]
        char = rng.choice(letters)
        return text[:cut] + char * rng.randint(4, 12) + pair[lang][cut:]
    if lang == "ko":
        tokens = text[:cut].split()
        unit = " ".join(tokens[-rng.randint(1, min(2, len(tokens))):]) + " "
    else:
        unit = text[max(0, cut - rng.randint(2, 5)):cut]
    return text[:cut] + unit * rng.randint(2, 6)


def _wrong_script(pair: dict[str, str], lang: str, rng: random.Random) -> str | None:
    """The other language's translation in this language's place."""
    return pair["ko" if lang == "ja" else "ja"]


def _boundary(text: str, lang: str, at: int) -> int:
    """``at`` moved to a word boundary in Korean (a space); any character in Japanese."""
    at = max(1, min(len(text) - 1, at))
    if lang == "ko":
        spaces = [i for i, ch in enumerate(text) if ch == " "]
        if spaces:
            return min(spaces, key=lambda i: abs(i - at))
    return at


INJECTORS: dict[str, Callable[[dict[str, str], str, random.Random], str | None]] = {
    "number-changed": _changed, "number-dropped": _dropped, "number-added": _added, "date-wrong": _date_wrong,
    "untranslated": _untranslated, "truncation": _truncated, "repetition": _repeated,
    "wrong-script": _wrong_script,
}
