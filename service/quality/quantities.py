"""What the numbers check compares: quantities found in a text, each with the values it may stand for.

A quantity is *hard* when the check relies on it: a hard English quantity must be found in the
translation, a hard quantity of the translation must be explained by the English. Soft ones only
help: "three" in the English is matched by 세 (명) or 三 (人), "a tenth" by 1割, "two decades" by
20年, but a soft quantity is never flagged itself (kanji such as 一 in 一般 are not numbers).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

NUMBER = "number"
DATE = "date"
TIME = "time"
CODE = "code"  # digits inside a name or code (G7, COVID-19, 5G): soft, explained by the same digits


@dataclass(frozen=True)
class Quantity:
    """One number, amount, date part or time in a text; ``values``: what it may be written as."""

    values: tuple[float, ...]
    start: int
    end: int
    hard: bool
    kind: str = NUMBER
    role: str = ""  # "month", "day" or "year" for a part of a calendar date, "" otherwise


def value_key(value: float) -> float:
    """A value to compare, up to float noise and sign: 1.2 × 10¹² and 1兆2000億 meet, as do 0.1 + 0.2 and 0.3
    (signs are not compared: "down 0.4%" is often -0.4%)."""
    return float(f"{abs(value):.9g}")


class QuantityIndex:
    """The quantities of one text by value, so matching a sentence stays linear in its numbers."""

    def __init__(self, quantities: Iterable[Quantity]) -> None:
        self._by_value: dict[float, list[Quantity]] = {}
        for quantity in quantities:
            for key in dict.fromkeys(value_key(v) for v in quantity.values):
                self._by_value.setdefault(key, []).append(quantity)

    def candidates(self, quantity: Quantity) -> Iterator[Quantity]:
        """Every quantity that can stand for one of ``quantity``'s values."""
        for key in dict.fromkeys(value_key(v) for v in quantity.values):
            yield from self._by_value.get(key, ())

    def finds(self, quantity: Quantity) -> bool:
        """Whether a quantity of the English is in the translation (this index): a date part only as the
        same part written in digits (July must be 7月 / 7월, not the 7 of 7人), anything else in any form."""
        if quantity.role:
            return any(o.hard and o.role == quantity.role for o in self.candidates(quantity))
        return any(True for _ in self.candidates(quantity))

    def explains(self, quantity: Quantity) -> bool:
        """Whether a quantity of the translation stands for one of the English (this index): a date part
        for the same part, or a number that is no date part."""
        return any(not quantity.role or o.role in ("", quantity.role) for o in self.candidates(quantity))


def parse_digits(text: str) -> float:
    """A written number such as ``38,450.12`` or ``1.5`` as a float."""
    return float(text.replace(",", ""))


class Normalised:
    """NFKC of a text (full-width digits and letters, ㎞, ～ made plain), with a map back to its offsets."""

    def __init__(self, text: str) -> None:
        parts: list[str] = []
        origin: list[int] = []
        for index, char in enumerate(text):
            plain = unicodedata.normalize("NFKC", char)
            parts.append(plain)
            origin.extend([index] * len(plain))
        self.original = text
        self.text = "".join(parts)
        self._origin = [*origin, len(text)]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of ``start:end`` of the normalised one."""
        if end <= start:
            return self._origin[start], self._origin[start]
        return self._origin[start], self._origin[end - 1] + 1
