"""Sentence boundaries inside one run of text (a paragraph, a list item, a line): where a sentence ends.

A boundary is ``.``, ``!``, ``?``, ``…``, ``...`` or a spaced ``. . .``, then any closing quotes or
brackets, then whitespace or the end; whether it ends a sentence depends on the word before it and
the token after it (``_sentence_end``). List items running on one line split before each next item:
bullets always, and numbered or lettered items (``1.``, ``1.)``, ``1)``, ``(a)``, ``a.``, ``i.``) when the
run itself opens with an item of the same series. A marker opening a sentence never ends it.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

# Honorifics and ranks precede a name, so they never end a sentence.
_TITLES = frozenset(
    "mr mrs ms messrs dr prof gen lt col maj capt cpt sgt cpl adm cmdr gov sen rep rev "
    "hon pres supt det insp amb atty brig fr vs v cf e.g i.e approx".split()
)
# These abbreviations precede a number ("No. 3", "Jan. 5", "p. 12", "N°. 1026").
_BEFORE_NUMBER = frozenset(
    "no nos n° nº jan feb mar apr jun jul aug sep sept oct nov dec p pp vol ch art fig sec para op".split()
)
# Abbreviations that may end a sentence: split only before a typical sentence opener.
_AMBIGUOUS = frozenset("st ave blvd rd mt ft dept univ assn est etc al".split())
# Abbreviations that usually close a name or a time and often end a sentence ("... Cleveland-Cliffs Inc.
# Shareholders", "at 6 p.m. Residents"): they also split before a capitalised common word.
_CLOSING = frozenset("inc corp co ltd llc plc jr sr a.m p.m".split())
# Capitalised words that usually open a sentence rather than continue a name
# ("the U.S. The talks" splits; "the U.S. Army" does not).
_SENTENCE_OPENERS = frozenset(
    """the a an this that these those it its he she they we i you his her their our my
    but and or so yet in on at for from with by after before during as if when while
    although though since because then however meanwhile also still there here some many
    most other such what who which where why how last next earlier later according both
    each all under over despite among to of until once one two three four five several
    officials police analysts critics nor not no""".split()
)
# A capitalised word after a time or a company that does not start a sentence ("at 5 a.m. Thursday").
_NOT_OPENING = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december""".split()
)

CLOSERS = "\"”’'»)]}"
OPENERS = "\"“‘'«([{"
_BULLETS = "•◦▪▫■□●○◆◇‣⁃∙"
_STARTS = _BULLETS + "-*+("  # what a list marker may start with besides a letter or digit
_TERMINATOR_RE = re.compile(r"(\.(?:[ \t\u00a0]\.){2,}|[.!?…]+)([" + re.escape(CLOSERS) + r"]*)(?=\s|$)")
_ACRONYM_RE = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")
_FOLLOWING_RE = re.compile(r"\s*(\S+)\s*(\S*)")  # the two tokens after a terminator
# An inline bullet starts a new item: "Deliverables: • A working group • Joint training".
_INLINE_BULLET_RE = re.compile(r"(?<=\s)[" + _BULLETS + r"](?=\s|\d)")
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")
_MARKER_RE = re.compile(
    r"(?P<bullet>[" + _BULLETS + r"]|[-*+](?=\s))?\s*"
    r"(?:(?P<open>\()?(?P<value>\d{1,3}|[a-z]|[A-Z](?=\))|(?:" + "|".join(sorted(_ROMAN, key=len, reverse=True))
    + r"))(?P<close>\.\)|\.|\)))?(?=\s)"
)


@dataclass(frozen=True)
class ListMarker:
    """A list item's marker: a bullet, an enumerator (``1.``, ``(a)``, ``iii)``) or both (``• 9.``)."""

    start: int
    end: int
    bullet: str
    open: str
    value: str
    close: str

    def following(self) -> list[str]:
        """The enumerators the next item of this series may carry ("2." after "1.", "ii)" after "i)")."""
        values = []
        if self.value.isdigit():
            values.append(str(int(self.value) + 1))
        if self.value in _ROMAN and self.value != _ROMAN[-1]:
            values.append(_ROMAN[_ROMAN.index(self.value) + 1])
        if len(self.value) == 1 and self.value.isalpha() and self.value not in "zZ":
            values.append(chr(ord(self.value) + 1))
        return [f"{self.open}{value}{self.close}" for value in values]


def list_marker(text: str, pos: int, end: int) -> ListMarker | None:
    """The list marker at ``pos`` (followed by whitespace), if one is there."""
    first = text[pos:pos + 1]
    if not first or (first.isupper() and text[pos + 1:pos + 2] != ")") or not (first.isalnum() or first in _STARTS):
        return None  # most tokens: a capitalised word, a quote, a number's sign
    match = _MARKER_RE.match(text, pos, end)
    if match is None or match.end() == pos:
        return None
    bullet, opened, value, close = (match.group(name) or "" for name in ("bullet", "open", "value", "close"))
    if not bullet and not value:
        return None
    if opened and close != ")":
        return None  # "(1." is no enumerator
    if value.isupper() and not close.endswith(")"):
        return None  # "A." is an initial, "A)" and "(A)" are items
    return ListMarker(pos, match.end(), bullet, opened, value, close)


def split_run(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as trimmed ``(start, end)`` spans."""
    spans: list[tuple[int, int]] = []
    piece_start = start
    for cut in [*_item_starts(text, start, end), end]:
        spans += _split_piece(text, piece_start, cut)
        piece_start = cut
    return spans


def _item_starts(text: str, start: int, end: int) -> list[int]:
    """Where list items that run on inside ``text[start:end]`` begin: before every inline bullet, and
    before each next enumerator of the series the run opens with ("1.) The first 2.) The second")."""
    cuts = {m.start() for m in _INLINE_BULLET_RE.finditer(text, start, end)}
    marker = list_marker(text, start, end)
    if marker is not None and not marker.bullet:
        while marker is not None and marker.value:
            marker = _next_item(text, marker, end)
            if marker is not None:
                cuts.add(marker.start)
    return sorted(c for c in cuts if start < c < end)


def _next_item(text: str, marker: ListMarker, end: int) -> ListMarker | None:
    """The first next-in-series enumerator after ``marker``, standing between whitespace."""
    best: ListMarker | None = None
    for form in marker.following():
        found = _standing(form).search(text, marker.end, end)
        if found is not None and (best is None or found.start() < best.start):
            value = form.strip("().")
            best = ListMarker(found.start(), found.end(), "", marker.open, value, marker.close)
    return best


@lru_cache(maxsize=256)
def _standing(form: str) -> re.Pattern[str]:
    """``form`` between whitespace."""
    return re.compile(r"(?<=\s)" + re.escape(form) + r"(?=\s)")


def _split_piece(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of one piece (a run, or one item of a run of items) split at their terminators."""
    spans: list[tuple[int, int]] = []
    sentence_start = start
    marker = list_marker(text, _skip_space(text, start, end), end)
    for match in _TERMINATOR_RE.finditer(text, start, end):
        if match.end() >= end:
            break
        if marker is not None and match.start() < marker.end:
            continue  # "1." or "a." opening an item is no sentence end
        boundary = _sentence_end(text, sentence_start, match, end)
        if boundary is not None and boundary > sentence_start:
            first, last = trim_span(text, sentence_start, boundary)
            if first < last:
                spans.append((first, last))
            sentence_start = boundary
            marker = list_marker(text, _skip_space(text, boundary, end), end)
    first, last = trim_span(text, sentence_start, end)
    if first < last:
        spans.append((first, last))
    return spans


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` without the white space at either end, as offsets into ``text``."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _word_before(text: str, sentence_start: int, pos: int) -> tuple[str, int]:
    """The word that ends at ``pos`` (opening quotes and brackets stripped), and where it starts."""
    begin = pos
    while begin > sentence_start and not text[begin - 1].isspace():
        begin -= 1
    return text[begin:pos].lstrip(OPENERS), begin


def _sentence_end(text: str, sentence_start: int, match: re.Match[str], end: int) -> int | None:
    """Where the sentence ends if the terminator in ``match`` ends it, else None."""
    tokens = _FOLLOWING_RE.match(text, match.end(), end)
    if tokens is None:
        return None
    following, after = tokens.group(1), tokens.group(2)
    if following[0].islower() or following[0] == "(":
        marker = list_marker(text, tokens.start(1), end)
        if marker is not None and marker.value.isalpha() and marker.end == tokens.end(1) and after[:1].isupper():
            return match.end()  # "three steps. a. Raise the budget": a lettered item starts
    bare = following.lstrip(OPENERS)
    first = bare[:1] or following[:1]
    if first.islower() or first in ".,;:-–—%":
        return None
    terminator, closers = match.group(1), match.group(2)
    if terminator.count(".") > 1 or "…" in terminator:
        return _after_ellipsis(text, match)
    if terminator != "." or closers.strip(")]}"):
        return match.end()  # "!" and "?", or a quotation closing after its full stop
    word, word_start = _word_before(text, sentence_start, match.start(1))
    if _period_ends_sentence(word, bare, after, lambda: _word_before(text, sentence_start, word_start - 1)[0]):
        return match.end()
    return None


def _after_ellipsis(text: str, match: re.Match[str]) -> int | None:
    """An ellipsis ends a sentence when it trails a word ("paused... Then"), not when it stands alone
    inside one ("will continue ... Tokyo", "[...]"); four spaced dots after a word ("compounds. . . .
    The") end it at the first, the rest opening the next sentence as an elision."""
    terminator = match.group(1)
    begin = match.start(1)
    attached = begin > 0 and not text[begin - 1].isspace() and text[begin - 1] not in "[("
    dots = terminator.count(".")
    if " " in terminator or "\t" in terminator or "\u00a0" in terminator:
        if attached:
            return begin + 1 if dots >= 4 else match.end()
        return match.end() if dots >= 4 else None
    return match.end() if attached else None


def _period_ends_sentence(word: str, following: str, after: str, previous_word: Callable[[], str]) -> bool:
    """Whether a full stop after ``word`` ends the sentence, given the next two tokens."""
    key = word.lower()
    if key in _TITLES:
        return False
    if key in _BEFORE_NUMBER and following[:1].isdigit():
        return False
    if key in _CLOSING:
        return _is_opener(following) or _is_capitalised_word(following, after)
    if key in _AMBIGUOUS or _ACRONYM_RE.match(word):
        return _is_opener(following)
    if _is_initial(word):
        # "you and I. Did": the pronoun after a lower-case word ends a sentence like any word.
        if word == "I" and previous_word()[:1].islower():
            return True
        return _is_opener(following)
    return True


def _is_opener(token: str) -> bool:
    return token.strip(CLOSERS + ",;:").lower() in _SENTENCE_OPENERS


def _is_capitalised_word(token: str, after: str) -> bool:
    """"Residents reported", "Shareholders of": a capitalised common word followed by a lower-case one
    (not "Thursday", "Mr. Smith", "Chairman Lee", "Tokyo time")."""
    word = token.strip(CLOSERS + ",;:").rstrip(".")
    return (len(word) > 1 and word[0].isupper() and word[1:].islower() and word.lower() not in _NOT_OPENING
            and word.lower() not in _TITLES and after[:1].islower() and after.strip(".,;:") != "time")


def _is_initial(word: str) -> bool:
    return len(word) == 1 and word.isupper() and unicodedata.category(word) == "Lu"
