"""The words of the heuristic detector: tokens, the article's evidence about them, word tests.

:mod:`service.glossary.heuristic` groups these tokens into names.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.glossary.detection import KnownSpan
from service.glossary.wordlists import ABBREVIATIONS, CORE_TITLES, DEMONYMS, GENERIC, HEADS, SUFFIXES

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}"  # U.S., D.C.
    r"|[^\W\d_]+(?:['\u2019](?![sS]\b)[^\W\d_]+|-[^\W_]+)*\.?"  # O'Brien, Seon-a, Hwasong-18; "Jr." kept below
    r"|\d+(?:[.,]\d+)*|&"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;][\"\u201d\u2019')\]]*\s+|\n\s*|^[\"\u201c\u2018(\[]+|[-\u2022*]\s+)$")
_DEMONYM_ENDINGS = ("ese", "ian", "ean", "ish", "ican")
# A wire dateline opening a text ("TOKYO (AP) —", "SEOUL, Dec. 3 (Yonhap) --", "(Reuters) -"): its words name
# the place and the agency of the copy, not anything the text says (the glossary still matches them).
_DATELINE = re.compile(
    r"\s*[\"“‘']?(?:[A-Z][A-Z'’.-]+(?:\s[A-Z][A-Z'’.-]+){0,3}(?:,\s[A-Z][\w.'’-]*(?:\s[\w.'’-]+){0,3}){0,2})?"
    r"(?:\s?\([A-Z][\w.&'’ /-]{0,40}\))?(?:\s*[—–]|\s--?)\s")
_TITLE_CASE_LOWER = frozenset("a an and the for with from over into nor but yet of on in to at by".split())
# Plural words that end names rather than describe people after one ("United Nations").
_NAME_PLURALS = frozenset({"Nations", "States", "Emirates", "Islands", "Isles", "Forces", "Games", "Airlines"})


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    known: bool = False
    initial: bool = False  # opens a sentence

    @property
    def word(self) -> str:
        return self.text.rstrip(".")

    @property
    def capital(self) -> bool:
        return self.text[:1].isupper()

    @property
    def acronym(self) -> bool:
        letters = self.word.replace(".", "").replace("&", "")
        return 2 <= len(letters) <= 6 and letters.isupper() and letters.isalpha() and self.word not in SUFFIXES


class Evidence:
    """How the whole document uses each word: in lower case somewhere, capitalised mid-sentence somewhere."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.lower: set[str] = set()
        self.mid_capital: set[str] = set()
        for text in texts:
            for tok in tokenize(text, ()):
                if tok.text[:1].islower():
                    self.lower.add(tok.word.casefold())
                elif tok.capital and not tok.initial:
                    self.mid_capital.add(tok.word)

    def common(self, word: str) -> bool:
        return word.casefold() in self.lower


def tokenize(text: str, known: Sequence[KnownSpan]) -> list[Token]:
    tokens = []
    opening = dateline_end(text)  # the first word after a dateline opens the sentence ("TOKYO (AP) — Ports ...")
    for match in _TOKEN.finditer(text):
        start, end, raw = match.start(), match.end(), match.group(0)
        if raw.endswith(".") and not (raw[:-1] in ABBREVIATIONS or (len(raw) == 2 and raw[0].isupper())
                                      or re.fullmatch(r"(?:[A-Z]\.){2,}", raw)):
            end, raw = end - 1, raw[:-1]
        initial = start == opening or bool(_SENTENCE_START.search(text[:start]))
        inside = any(k.start <= start and end <= k.end for k in known)
        tokens.append(Token(start, end, raw, inside, initial))
    return tokens


def is_demonym(word: str) -> bool:
    """"Japanese", "Koreans", "Philippine": a people or a place's adjective, never a name alone."""
    if not word[:1].isupper() or word.isupper():
        return False
    singular = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    return singular in DEMONYMS or (singular.endswith(_DEMONYM_ENDINGS) and len(singular) > 4)


def is_demonym_of(name: str, place: str) -> bool:
    """Whether ``name`` is the adjective of ``place`` ("South Korean" of "South Korea", "Chinese" of "China")."""
    if name == place or not is_demonym(name.split()[-1]):
        return False
    stem = place[:-1]
    return name.startswith(stem) and 0 < len(name) - len(stem) <= 5 and " " not in name[len(stem):]


def is_headline(text: str, evidence: Evidence | None = None) -> bool:
    """Title Case with no full stop at the end: a headline, where capitals mark no names. Two or three
    words are one only when the article has one of them in lower case ("Ferry Strike Ends" over a text
    on "the strike"): a name alone on a line ("Kim Tong-hyung") has none."""
    words = [w for w in re.findall(r"[A-Za-z]{3,}", text) if w.lower() not in _TITLE_CASE_LOWER]
    if not words or not all(w[0].isupper() for w in words) or text.rstrip().endswith((".", "!", "?")):
        return False
    return len(words) >= 4 or (len(words) >= 2 and evidence is not None and any(evidence.common(w) for w in words))


def phrase_head(run: list[Token]) -> Token:
    """The word a name phrase is about: before its first "of"/"on"/"for" ("Bank of Japan"), else the last."""
    for i, tok in enumerate(run[1:], 1):
        if tok.text in ("of", "on", "for") and not tok.known:
            return run[i - 1]
    return run[-1]


def is_plural_noun(word: str) -> bool:
    """"Leaders", "Ministers", "Women": people named by role after a name ("APEC Leaders"), no part of it."""
    return word in ("Women", "Men", "People", "Children") or (word.endswith("s") and (
        word in GENERIC or plural_title(word)) and word not in HEADS and word not in _NAME_PLURALS)


def plural_title(word: str) -> bool:
    """"Ministers", "Secretaries", "Commandants": a title in the plural names no one."""
    singular = word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") else ""
    return bool(singular) and (singular in CORE_TITLES or singular in GENERIC)


def dateline_end(text: str) -> int:
    """Where a wire dateline opening ``text`` ends (0 when it opens with none)."""
    match = _DATELINE.match(text)
    return match.end() if match and match.group(0).strip(" \"“‘'—–-") else 0
