"""Latin-script words in a translation, and which of them may stay as they are.

Shared by the untranslated check and the script check: acronyms (NATO, GDP), words with a capital
inside (iPhone, GitHub), units (km, kg, MW), protected names and renderings of the glossary layer,
and capitalised words the English has as written (a name kept in Latin script) are allowed.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’.-][A-Za-z]+)*")
UNITS = frozenset({"km", "kg", "g", "mg", "m", "cm", "mm", "ha", "t", "l", "ml", "kw", "kwh", "mw", "gw", "tb", "gb",
                   "mb", "kb", "gbps", "mbps", "hz", "khz", "mhz", "ghz", "nm", "ppm", "ppb", "μg", "µg", "mph",
                   "km/h", "s", "ms", "v", "kv", "a.m", "p.m", "am", "pm", "vs", "no", "x", "pc"})


def allowed_words(source: str, protected: Iterable[str] = ()) -> frozenset[str]:
    """Latin words a translation may keep: the English's capitalised words and the protected names."""
    words = {w for w in LATIN_WORD.findall(source) if w[0].isupper() or any(c.isdigit() for c in w)}
    for name in protected:
        words.update(LATIN_WORD.findall(name))
    return frozenset(words)


def is_allowed(word: str, allowed: frozenset[str]) -> bool:
    """Whether a Latin word of the translation may stay: acronym, inner capital, unit or allowed word."""
    if word in allowed or word.lower() in UNITS:
        return True
    if len(word) >= 2 and word.isupper():
        return True  # an acronym: NATO, IMF, GDP
    return any(c.isupper() for c in word[1:])  # iPhone, GitHub, USB-C
