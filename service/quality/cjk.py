"""Quantities in Japanese and Korean translations.

Hard (the English must explain them): Arabic numerals, full-width ones included, with myriad
scaling (5万, 1億2430万, 3兆9000億, 1조 2000억, 3千万), fractions (3分の1, 3분의 1), 割 (1割 = a
tenth or 10%), and the two-part forms 9秒83 / 9초83 (9.83 seconds) and 3万8450円12銭 (38,450.12).
Soft (they may stand for an English number but are never flagged): kanji numerals (三つ, 二人; 一 in
一般 is no number, which is why they are soft), Korean native numerals before a counter (세 명, 두
차례, 열 번째), Korean day words (이틀, 닷새, 열흘), 両 (two), 初 / 첫 / 처음 (first), 半 / 절반 (half),
倍増 (double), and the digits of codes such as G7 or 5G.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from service.quality.quantities import CODE, DATE, NUMBER, TIME, Normalised, Quantity, parse_digits

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
SMALL = {"千": 1e3, "百": 1e2, "천": 1e3, "백": 1e2}
BIG = {"兆": 1e12, "億": 1e8, "万": 1e4, "조": 1e12, "억": 1e8, "만": 1e4}
_PART = re.compile(rf"(?P<num>{_DIGITS})(?P<small>[千百천백])?(?P<big>[兆億万조억만])?")
_CODE = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z][A-Za-z]*-?\d[A-Za-z0-9-]*|\d+[A-Z]{1,3}(?![a-z]))")
_UNIT_CAPS = {"MW", "GW", "KW", "TB", "GB", "MB", "KB", "KM", "KG", "CM", "MM", "HZ"}
_TWO_PART = re.compile(rf"(?P<a>{_DIGITS})(?:秒|초)(?P<b>\d{{2}})(?!\d)|(?P<c>{_DIGITS}|\d+万\d+)円(?P<d>\d{{1,2}})銭")
_FRACTION = re.compile(rf"(?P<den>{_DIGITS})\s?(?:分の|분의)\s?(?P<num>{_DIGITS})")
_WARI = re.compile(rf"(?P<num>{_DIGITS})割")
# What follows a date part (a range or list may come first: 4～6月, 28、29両日, 28~29일).
_ROLE_AFTER = re.compile(r"(?:\s?[～~\-–、,]\s?\d{1,4})?\s?(?:両)?(?P<unit>年|月|日|년|월|일)(?![本본])")
ROLES = {"年": "year", "년": "year", "月": "month", "월": "month", "日": "day", "일": "day"}
_TIME_AFTER = re.compile(r"\s?(?:時|分|시|분)")

KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI = re.compile(r"[〇零一二三四五六七八九十百千]+[万億兆]?")
# Words whose kanji numeral is no number (四半期 is a quarter, 一般 general, 統一 unification).
KANJI_WORDS = re.compile("四半期|一方|一部|一般|一環|一緒|一層|一斉|一律|一体|一致|一時|統一|唯一|万一|同一|"
                         "単一|第一線")
NATIVE = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10,
          "열한": 11, "열두": 12, "열세": 13, "열네": 14, "열다섯": 15, "스무": 20, "스물": 20, "서른": 30,
          "마흔": 40, "쉰": 50}
COUNTERS = ("명", "사람", "차례", "번", "시간", "배", "가지", "개", "곳", "척", "대", "달", "주", "살", "해", "채",
            "권", "마리", "군데", "편", "장", "가구", "나라", "형제", "팀", "경기", "라운드", "세트", "기", "건",
            "분", "째", "판", "종", "쌍", "그루", "벌", "잔", "병", "통", "표")
_NATIVE = re.compile(r"(?<![가-힣])(" + "|".join(sorted(NATIVE, key=len, reverse=True)) + r")\s?(?="
                     + "|".join(COUNTERS) + ")")
DAY_WORDS = {"하루": 1, "하룻": 1, "이틀": 2, "사흘": 3, "나흘": 4, "닷새": 5, "엿새": 6, "이레": 7, "여드레": 8,
             "아흐레": 9, "열흘": 10, "보름": 15}
# Words that stand for a number: soft.
IMPLIED = {"両": (2.0,), "初": (1.0,), "첫": (1.0,), "처음": (1.0,), "최초": (1.0,), "半": (0.5,),
           "절반": (0.5,), "倍増": (2.0,), "正午": (12.0,), "정오": (12.0,), "자정": (0.0, 12.0, 24.0)}
_WORDS = re.compile("|".join(sorted([*DAY_WORDS, *IMPLIED], key=len, reverse=True)))


def target_quantities(text: str) -> list[Quantity]:
    """Every quantity of a Japanese or Korean sentence, offsets in ``text`` itself, in order."""
    norm = Normalised(text)
    plain = norm.text
    taken = [False] * len(plain)
    found: list[Quantity] = []
    for finder in (_codes, _two_part, _fractions, _wari, _myriad, _kanji, _native, _words):
        for quantity in finder(plain):
            if not any(taken[quantity.start:quantity.end]):
                found.append(quantity)
                for i in range(quantity.start, quantity.end):
                    taken[i] = True
    return sorted((_back(norm, q) for q in found), key=lambda q: q.start)


def _back(norm: Normalised, quantity: Quantity) -> Quantity:
    start, end = norm.span(quantity.start, quantity.end)
    return Quantity(quantity.values, start, end, quantity.hard, quantity.kind, quantity.role)


def _codes(text: str) -> Iterator[Quantity]:
    for match in _CODE.finditer(text):
        lead = re.match(r"\d+", match.group())
        if lead and match.group()[lead.end():].upper() in _UNIT_CAPS:
            continue  # 100MW is a number with its unit
        digits = tuple(float(d) for d in re.findall(r"\d+", match.group()))
        yield Quantity(digits, match.start(), match.end(), hard=False, kind=CODE)


def _two_part(text: str) -> Iterator[Quantity]:
    for match in _TWO_PART.finditer(text):
        if match.group("a"):
            value = float(f"{parse_digits(match.group('a')):g}.{match.group('b')}")
        else:
            whole = match.group("c")
            amount = _myriad_value(whole) if "万" in whole else parse_digits(whole)
            value = amount + int(match.group("d")) / 100
        yield Quantity((value,), match.start(), match.end(), hard=True)


def _myriad_value(text: str) -> float:
    return sum(_part_value(m) for m in _PART.finditer(text))


def _fractions(text: str) -> Iterator[Quantity]:
    for match in _FRACTION.finditer(text):
        denominator, numerator = parse_digits(match.group("den")), parse_digits(match.group("num"))
        yield Quantity((numerator / denominator if denominator else 0.0,), match.start(), match.end(), hard=True)


def _wari(text: str) -> Iterator[Quantity]:
    for match in _WARI.finditer(text):
        value = parse_digits(match.group("num"))
        yield Quantity((value / 10, value * 10), match.start(), match.end(), hard=True)


def _part_value(match: re.Match[str]) -> float:
    value = parse_digits(match.group("num"))
    if match.group("small"):
        value *= SMALL[match.group("small")]
    if match.group("big"):
        value *= BIG[match.group("big")]
    return value


def _myriad(text: str) -> Iterator[Quantity]:
    """Digits with 万/億/兆 (만/억/조) scaling; consecutive parts of falling scale make one number."""
    parts = [m for m in _PART.finditer(text) if not _inside_word(text, m)]
    index = 0
    while index < len(parts):
        first = parts[index]
        value, end = _part_value(first), first.end()
        scale = BIG.get(first.group("big") or "", 0.0)
        index += 1
        while index < len(parts) and scale and text[end:parts[index].start()] in ("", " "):
            nxt = parts[index]
            nxt_value = _part_value(nxt)
            if nxt_value >= scale:
                break
            value += nxt_value
            end = nxt.end()
            scale = BIG.get(nxt.group("big") or "", 0.0)
            index += 1
        after = _ROLE_AFTER.match(text, end)
        role = ROLES[after.group("unit")] if after and "." not in first.group("num") else ""
        kind = DATE if role else TIME if _TIME_AFTER.match(text, end) else NUMBER
        yield Quantity((value,), first.start(), end, hard=True, kind=kind, role=role)


def _inside_word(text: str, match: re.Match[str]) -> bool:
    """Digits glued to Latin letters belong to a code the code finder has taken."""
    before = text[match.start() - 1] if match.start() else ""
    return before.isascii() and before.isalpha()


def kanji_value(token: str) -> float | None:
    """The value of a kanji numeral such as 三, 二十, 三百五十 or 五千万 (None if it is not one)."""
    big = 1.0
    if token[-1] in "万億兆":
        big = BIG[token[-1]]
        token = token[:-1]
    total, digit = 0, None
    for char in token:
        if char in KANJI_DIGITS:
            if digit is not None:
                return None  # 一二 is not a numeral
            digit = KANJI_DIGITS[char]
        elif char in KANJI_UNITS:
            total += (1 if digit is None else digit) * KANJI_UNITS[char]
            digit = None
    total += digit or 0
    return float(total) * big if token else None


def _kanji(text: str) -> Iterator[Quantity]:
    text = KANJI_WORDS.sub(lambda m: "_" * len(m.group()), text)
    for match in _KANJI.finditer(text):
        value = kanji_value(match.group())
        if value is not None:
            yield Quantity((value,), match.start(), match.end(), hard=False)


def _native(text: str) -> Iterator[Quantity]:
    for match in _NATIVE.finditer(text):
        yield Quantity((float(NATIVE[match.group(1)]),), match.start(), match.end(1), hard=False)


def _words(text: str) -> Iterator[Quantity]:
    for match in _WORDS.finditer(text):
        word = match.group()
        values = (float(DAY_WORDS[word]),) if word in DAY_WORDS else IMPLIED[word]
        yield Quantity(values, match.start(), match.end(), hard=False)
