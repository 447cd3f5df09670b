"""Quantities in English news text: digits (with scales, currencies, units, percentages, ordinals),
number words, dates (month names), clock times, and the digits inside codes such as G7 or COVID-19.

The forms accepted, with examples, are listed in README.md ("Quality signals"). Signs are not
read: "down 0.4%" is often written -0.4% or マイナス0.4%.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from service.quality.quantities import CODE, DATE, NUMBER, TIME, Quantity, parse_digits

MONTHS = {name: n for n, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")), 1) for name in names}
_MONTH = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b(\.)?", re.IGNORECASE)
# "May" is a month only where a date would stand: before a day or year, or after a preposition.
_MAY_BEFORE = re.compile(r"\s+\d")
_MAY_AFTER = re.compile(r"\b(?:in|on|of|by|since|until|till|from|to|through|early|late|mid|last|next|this|"
                        r"end|start|before|after|between|and)[\s-]+$", re.IGNORECASE)
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
WORD_SCALES = {"hundred": 1e2, **SCALES}
# Abbreviated scales count only after a currency sign ("$5m" is money, "5m" is metres).
MONEY_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
CURRENCY = "$€¥£₩"
# Units whose values translations often convert: 1.4 GW is 140万キロワット.
UNIT_FACTORS = {"gw": (1e6, 1e3), "mw": (1e3,), "gwh": (1e6, 1e3), "mwh": (1e3,)}
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<cur>[" + CURRENCY + r"])?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<suffix>[A-Za-z°µ/]+\d?)?"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|m|k|b)\b)?"
    r"(?:\s?(?P<unit>[A-Za-z]+)\b)?")
_CLOCK = re.compile(r"(?<![\w.:])(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s?(?P<half>a\.m\.|p\.m\.|am\b|pm\b)?",
                    re.IGNORECASE)
# A code: letters and digits together, led by a letter (G7, H3, COVID-19, F-35, A320) or by digits
# with capitals that are no unit (5G, 4K, 3D).
_CODE = re.compile(r"(?<![\w-])(?:[A-Za-z][A-Za-z]*-?\d[\w-]*|\d+[A-Z]{1,3})(?![\w-])")
_CAPITAL_UNITS = {"MW", "GW", "KW", "TW", "GWH", "MWH", "KWH", "TB", "GB", "MB", "KB", "PB", "KM", "KG", "MM", "CM",
                  "V", "KV", "W", "C", "F", "HZ", "MHZ", "GHZ", "T"}
_NOT_CODE_PREFIXES = ("mid-", "pre-", "post-", "early-", "late-", "end-", "non-", "over-", "under-", "top-",
                      "all-", "sub-", "about-", "around-", "some-", "nearly-", "fy-")
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")

CARDINALS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
             "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
             "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
             "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
            "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
            "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100}
# Words that stand for a number without being one: soft values that explain the translation's digits.
IMPLIED: dict[str, tuple[float, ...]] = {
    "one": (1,), "once": (1,), "single": (1,), "a": (1,), "an": (1,), "per": (1,), "each": (1,),
    "both": (2,), "pair": (2,), "couple": (2,), "biennial": (2,), "half": (0.5,), "halved": (0.5,),
    "quarter": (0.25, 4),
    "quarterly": (4, 3), "dozen": (12,), "decade": (10,), "decades": (10,), "century": (100,),
    "centuries": (100,), "fortnight": (14, 2), "teenagers": (10,), "teenager": (10,), "teens": (10,),
    "noon": (12,), "midday": (12,), "midnight": (0, 12, 24), "hundred": (100,), "thousand": (1000,),
    "weekly": (1,), "annual": (1,), "annually": (1,), "monthly": (1,), "daily": (1,), "hourly": (1,),
}
DENOMINATORS = {"half": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5, "fifths": 5,
                "tenth": 10, "tenths": 10}
MULTIPLES = {"twice": 2.0, "double": 2.0, "doubled": 2.0, "doubling": 2.0, "twofold": 2.0, "triple": 3.0,
             "tripled": 3.0, "threefold": 3.0, "fourfold": 4.0, "quadruple": 4.0, "quadrupled": 4.0}
# "two decades" is 20年: a number before one of these words may be written multiplied.
MULTIPLIERS = {"decade": 10, "decades": 10, "century": 100, "centuries": 100, "dozen": 12, "dozens": 12}


def english_quantities(text: str) -> list[Quantity]:
    """Every quantity of an English sentence, in order of position."""
    taken = [False] * len(text)
    found: list[Quantity] = []
    for finder in (_codes, _clock_times, _months, _digits, _words):
        for quantity in finder(text):
            if not any(taken[quantity.start:quantity.end]):
                found.append(quantity)
                for i in range(quantity.start, quantity.end):
                    taken[i] = True
    return sorted(found, key=lambda q: q.start)


def _codes(text: str) -> Iterator[Quantity]:
    for match in _CODE.finditer(text):
        token = match.group()
        if token.lower().startswith(_NOT_CODE_PREFIXES):
            continue  # "mid-2026" is a year
        lead = re.match(r"\d+", token)
        if lead and token[lead.end():] in _CAPITAL_UNITS:
            continue  # "5MW" is a number with a unit
        digits = [float(d) for d in re.findall(r"\d+", token)]
        yield Quantity(tuple(digits), match.start(), match.end(), hard=False, kind=CODE)


def _clock_times(text: str) -> Iterator[Quantity]:
    """10:30 a.m. is 午前10時30分 and 3 p.m. 午後3時 or 15時; 12:20 a.m. is 午前0時20分."""
    for match in _CLOCK.finditer(text):
        half = (match.group("half") or "").lower().replace(".", "")
        minutes = match.group("m")
        if not half and not minutes:
            continue
        hour = int(match.group("h"))
        hours = {float(hour)}
        if half == "pm" and hour < 12:
            hours.add(hour + 12.0)
        if half == "am" and hour == 12:
            hours.add(0.0)
        end_hour = match.start("h") + len(match.group("h"))
        yield Quantity(tuple(sorted(hours)), match.start("h"), end_hour, hard=True, kind=TIME)
        if minutes and minutes != "00":
            yield Quantity((float(minutes),), match.start("m"), match.end("m"), hard=True, kind=TIME)
        elif minutes:
            yield Quantity((0.0,), match.start("m"), match.end("m"), hard=False, kind=TIME)


def _months(text: str) -> Iterator[Quantity]:
    for match in _MONTH.finditer(text):
        word = match.group(1)
        if not word[0].isupper():
            continue
        if word.lower() == "may" and not (_MAY_BEFORE.match(text, match.end())
                                          or _MAY_AFTER.search(text[:match.start()])):
            continue
        if len(word) <= 4 and word.lower() not in ("may", "june", "july") and not match.group(2) \
                and not _MAY_BEFORE.match(text, match.end()):
            continue  # "Mar" or "Dec" without a full stop or a day after it is not a month
        yield Quantity((float(MONTHS[word.lower()]),), match.start(1), match.end(1), hard=True, kind=DATE,
                       role="month")


def _digits(text: str) -> Iterator[Quantity]:
    previous_end, previous_value = -1, 0.0
    for match in _NUMBER.finditer(text):
        values = _digit_values(match)
        start, end = match.start("num"), match.end("num")
        value = values[0]
        # "2025-26": the second year may be written in full.
        if 0 <= start - previous_end <= 1 and text[previous_end:start] in ("-", "–", "/") and \
                1000 <= previous_value < 3000 and len(match.group("num")) == 2:
            values = (*values, float(int(previous_value) // 100 * 100 + value))
        role = _date_role(text, start, end, value)
        yield Quantity(values, start, match.end("scale") if match.group("scale") else end, hard=True,
                       kind=DATE if role else NUMBER, role=role)
        previous_end, previous_value = end, value


def _digit_values(match: re.Match[str]) -> tuple[float, ...]:
    """The values one written number may be translated as: scaled ($1.5 billion), converted (1.4 GW)."""
    value = parse_digits(match.group("num"))
    suffix = (match.group("suffix") or "").lower()
    scale = (match.group("scale") or "").lower()
    if suffix == "s" and value >= 1000 and value % 10 == 0:
        return (value,)  # the 1990s: 1990年代
    factor = SCALES.get(scale) or (MONEY_SCALES.get(scale) if match.group("cur") else None)
    if scale and factor is None:
        # "5 m" is a unit, not a scale: the value stands as written.
        factor = 1.0
    values = [value * (factor or 1.0)]
    unit = (suffix or (match.group("unit") or "")).lower()
    for multiple in UNIT_FACTORS.get(unit, ()):
        values.append(values[0] * multiple)
    return tuple(values)


def _date_role(text: str, start: int, end: int, value: float) -> str:
    """"day" or "year" for the digits of a date written with a month name (July 28, July 28-29,
    December 31, 2025, 28 July 2025, July 2025), "" otherwise."""
    before, after = text[max(0, start - 16):start], text[end:end + 16]
    month = _MONTH.pattern
    if re.search(month + r"\s*(?:\d{1,2}\s*[-–]\s*)?$", before, re.IGNORECASE):
        return "day" if value <= 31 else "year" if value >= 1000 else ""
    if value >= 1000 and re.search(month + r"\s+\d{1,2}(?:\s*[-–]\s*\d{1,2})?,\s*$", before, re.IGNORECASE):
        return "year"
    if value <= 31 and re.match(r"(?:\s*[-–]\s*\d{1,2})?\s+" + month, after, re.IGNORECASE):
        return "day"
    return ""


def _words(text: str) -> Iterator[Quantity]:
    """Number words: cardinals, fractions, ordinals but "first", and multiples are hard; the rest soft."""
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    index = 0
    while index < len(words):
        quantity, used = _word_quantity(words, index, text)
        if quantity is not None:
            yield quantity
        index += used


def _word_quantity(words: list[tuple[str, int, int]], index: int, text: str) -> tuple[Quantity | None, int]:
    """The quantity a word starts (with the words it takes, such as "two hundred") and how many words it used."""
    word, start, end = words[index]
    parts = word.lower().split("-")
    following = words[index + 1][0].lower() if index + 1 < len(words) else ""
    value, used = _cardinal(parts)
    if value is not None:
        rest = parts[used:]
        if rest and rest[0] in DENOMINATORS:
            return _hard(_fraction(value, rest[0]), start, end), 1
        if not rest and following in WORD_SCALES:
            return _hard([value * WORD_SCALES[following]], start, words[index + 1][2]), 2
        if not rest and following in DENOMINATORS and following.endswith("s"):
            return _hard(_fraction(value, following), start, words[index + 1][2]), 2  # "two thirds"
        multiple = MULTIPLIERS.get(following) if not rest else None
        return _hard([value, value * multiple] if multiple else [value], start, end), 1
    if parts[0] in ("one", "a", "an") and _is_fraction(parts, words, index, text):
        denominator = parts[1] if len(parts) > 1 else following
        return _hard(_fraction(1.0, denominator), start, end if len(parts) > 1 else words[index + 1][2]), \
            1 if len(parts) > 1 else 2
    if len(parts) == 1 and parts[0] in ("a", "an", "one") and following in DENOMINATORS:
        # "a tenth over three years" or "a third term": a share or an ordinal, so only a soft hint.
        n = float(DENOMINATORS[following])
        return Quantity((n, 1 / n, round(100 / n, 1)), start, words[index + 1][2], hard=False), 2
    if parts[0] in ORDINALS and parts[0] != "first" and not (len(parts) == 1 and following in ("half", "halves")):
        return _hard([float(ORDINALS[parts[0]])], start, end), 1
    if parts[0] in MULTIPLES:
        return _hard([MULTIPLES[parts[0]]], start, end), 1
    return _soft(parts, following, start, end), 1


def _is_fraction(parts: list[str], words: list[tuple[str, int, int]], index: int, text: str) -> bool:
    """"one-third", or "a third" / "a quarter" followed by "of", a point, or the end of a phrase
    ("a third term" is an ordinal)."""
    if len(parts) > 1:
        return parts[1] in DENOMINATORS
    if index + 1 >= len(words) or words[index + 1][0].lower() not in DENOMINATORS:
        return False
    end = words[index + 1][2]
    if index + 2 >= len(words) or not text[end:words[index + 2][1]].isspace():
        return True  # punctuation or the end of the sentence follows
    return words[index + 2][0].lower() in ("of", "point", "points", "percentage", "century", "less", "more")


def _hard(values: list[float], start: int, end: int) -> Quantity:
    return Quantity(tuple(dict.fromkeys(values)), start, end, hard=True)


def _cardinal(parts: list[str]) -> tuple[float | None, int]:
    """The cardinal at the start of a hyphenated word ("twenty-five", "two-day") and how many parts it used."""
    if not parts or parts[0] not in CARDINALS:
        return None, 0
    value = float(CARDINALS[parts[0]])
    if len(parts) > 1 and value >= 20 and parts[1] in CARDINALS and CARDINALS[parts[1]] < 10:
        return value + CARDINALS[parts[1]], 2
    return value, 1


def _fraction(value: float, word: str) -> list[float]:
    """A fraction and the same as a percentage: two-thirds is 3分の2 or 66.7%, a tenth 1割 or 10%."""
    share = value / DENOMINATORS[word]
    return [share, round(share * 100, 1)]


def _soft(parts: list[str], following: str, start: int, end: int) -> Quantity | None:
    values: list[float] = []
    for part in parts:
        if part in ORDINALS:
            values.append(float(ORDINALS[part]))
        values += IMPLIED.get(part, ())
        if part in ("a", "an", "one") and following in MULTIPLIERS:
            values.append(float(MULTIPLIERS[following]))  # "a decade": 10年
        if part in ("a", "an", "one") and following in WORD_SCALES:
            values.append(WORD_SCALES[following])  # "a million": 100万
    return Quantity(tuple(dict.fromkeys(values)), start, end, hard=False) if values else None
