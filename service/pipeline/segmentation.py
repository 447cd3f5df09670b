"""Sentence segmentation for English news text, with offsets into the original text.

Rule-based rather than pysbd: pysbd 0.3.4 splits ``phase.”`` from its closing
quote, joins ``said X. He left.`` and cannot tell ``U.S. Army`` from ``the U.S.
Then``; we need exact offsets and per-rule control, so the rules live here.

How a text is read:

* Lines are grouped into paragraphs at blank lines (a line of only whitespace,
  including no-break and full-width spaces, is blank). A single line break inside
  a paragraph is a stray break from pasted text and reads as a space.
* Headlines: the first line of the text, when it has no sentence-final
  punctuation and is followed by a blank line or is title-cased, is its own
  sentence with ``is_headline``; so is any later one-line paragraph that is
  short, title-cased and unpunctuated (a subheading).
* A paragraph that starts lower-case is a fragment. If the paragraph before it
  ended mid-sentence (no final punctuation) the blank line was a stray break and
  the fragment is joined to it. If that paragraph ended with a full sentence, the
  fragment stays its own sentence: joining would corrupt a good sentence, and
  such fragments are usually pasting leftovers that the summarizer can drop.
* Inside a paragraph a boundary is ``.``, ``!``, ``?``, ``…`` or ``...``, then any
  closing quotes or brackets, then whitespace or the end; whether it splits
  depends on the word before it and on the token after it (see ``_is_boundary``).

``Sentence.text`` is the span with every run of whitespace made one space, so
``" ".join(text[start:end].split()) == sentence.text`` always holds.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from service.text import remove_controls as remove_controls  # re-exported for input normalization

# Honorifics and ranks precede a name, so they never end a sentence.
_TITLES = frozenset(
    "mr mrs ms messrs dr prof gen lt col maj capt cpt sgt cpl adm cmdr gov sen rep rev "
    "hon pres supt det insp amb atty brig fr sr jr vs v cf e.g i.e approx".split()
)
# These abbreviations precede a number ("No. 3", "Jan. 5", "p. 12").
_BEFORE_NUMBER = frozenset(
    "no nos jan feb mar apr jun jul aug sep sept oct nov dec p pp vol ch art fig sec para op".split()
)
# Abbreviations that may end a sentence: split only before a typical sentence opener.
_AMBIGUOUS = frozenset(
    "inc corp co ltd llc plc bros st ave blvd rd mt ft dept univ assn est etc al".split()
)
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
_SMALL_WORDS = frozenset("a an the and or nor but of in on at to for with by from as vs via per".split())

_NEWLINE = r"\r\n|[\n\r\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e]"
_NEWLINE_RE = re.compile(_NEWLINE)
_CLOSERS = "\"”’'»)]}"
_OPENERS = "\"“‘'«([{"
_BOUNDARY_RE = re.compile(r"(\.\.\.|[.!?…]+)([" + re.escape(_CLOSERS) + r"]*)(?=\s|$)")
_FINAL_RE = re.compile(r"[.!?…][" + re.escape(_CLOSERS) + r"]*$")
_ACRONYM_RE = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")
_MAX_HEADLINE_WORDS = 30
_MAX_SUBHEADING_WORDS = 20



@dataclass(frozen=True)
class Sentence:
    """One sentence; ``start``/``end`` index the text given to :func:`split_sentences`."""

    text: str
    start: int
    end: int
    is_headline: bool = False


@dataclass
class _Block:
    start: int
    end: int
    is_headline: bool = False


def split_sentences(text: str) -> list[Sentence]:
    """Split English news text into sentences with offsets into ``text``."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, got {type(text).__name__}")
    sentences: list[Sentence] = []
    for block in _paragraphs(text):
        if block.is_headline:
            sentences.append(_make(text, block.start, block.end, True))
            continue
        sentences.extend(_split_paragraph(text, block.start, block.end))
    return sentences


def _make(text: str, start: int, end: int, is_headline: bool = False) -> Sentence:
    return Sentence(" ".join(text[start:end].split()), start, end, is_headline)


def _lines(text: str) -> list[tuple[int, int]]:
    """Every line as (start, end), line breaks excluded."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _NEWLINE_RE.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _raw_blocks(text: str) -> list[list[tuple[int, int]]]:
    """Runs of non-blank lines, each line trimmed."""
    blocks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for start, end in _lines(text):
        start, end = _trim(text, start, end)
        if start == end:
            if current:
                blocks.append(current)
            current = []
        else:
            current.append((start, end))
    if current:
        blocks.append(current)
    return blocks


def _paragraphs(text: str) -> list[_Block]:
    """Paragraph and headline spans, with lower-case fragments joined where they belong."""
    out: list[_Block] = []
    for index, lines in enumerate(_raw_blocks(text)):
        if index == 0 and _is_first_line_headline(text, lines):
            out.append(_Block(*lines[0], is_headline=True))
            lines = lines[1:]
            if not lines:
                continue
        start, end = lines[0][0], lines[-1][1]
        if len(lines) == 1 and index > 0 and _is_subheading(text[start:end]):
            out.append(_Block(start, end, is_headline=True))
        elif out and _continues_previous(text, out[-1], start):
            out[-1].end = end
        else:
            out.append(_Block(start, end))
    return out


def _is_first_line_headline(text: str, lines: list[tuple[int, int]]) -> bool:
    start, end = lines[0]
    line = text[start:end]
    if _FINAL_RE.search(line) or len(line.split()) > _MAX_HEADLINE_WORDS or line[0].islower():
        return False
    if len(lines) == 1:
        # A lone unpunctuated line is the whole text, not a headline over nothing.
        return bool(text[end:].strip())
    # Inside one paragraph an unpunctuated first line is a headline only if it looks
    # like one; otherwise it is a hard-wrapped first line of the body.
    next_first = text[lines[1][0]]
    return _is_title_cased(line) and not next_first.islower()


def _is_subheading(line: str) -> bool:
    return (
        not _FINAL_RE.search(line)
        and len(line.split()) <= _MAX_SUBHEADING_WORDS
        and _is_title_cased(line)
    )


def _is_title_cased(line: str) -> bool:
    words = [w.strip(_OPENERS + _CLOSERS + ",:;-–—") for w in line.split()]
    content = [w for w in words if w and w.lower() not in _SMALL_WORDS]
    if len(content) < 2:
        return False
    capitalised = sum(1 for w in content if w[0].isupper() or w[0].isdigit())
    return capitalised / len(content) >= 0.75


def _continues_previous(text: str, previous: _Block, start: int) -> bool:
    """A lower-case paragraph continues the previous one only if that ended mid-sentence."""
    if previous.is_headline or not text[start].islower():
        return False
    return not _FINAL_RE.search(text[previous.start:previous.end])


def _split_paragraph(text: str, start: int, end: int) -> list[Sentence]:
    sentences: list[Sentence] = []
    sentence_start = start
    for match in _BOUNDARY_RE.finditer(text, start, end):
        boundary = match.end()
        if boundary >= end:
            break
        if _is_boundary(text, sentence_start, match, end):
            sentences.append(_make(text, *_trim(text, sentence_start, boundary)))
            sentence_start = boundary
    first, last = _trim(text, sentence_start, end)
    if first < last:
        sentences.append(_make(text, first, last))
    return sentences


def _next_token(text: str, pos: int, end: int) -> str:
    while pos < end and text[pos].isspace():
        pos += 1
    stop = pos
    while stop < end and not text[stop].isspace():
        stop += 1
    return text[pos:stop]


def _word_before(text: str, sentence_start: int, pos: int) -> str:
    begin = pos
    while begin > sentence_start and not text[begin - 1].isspace():
        begin -= 1
    return text[begin:pos].lstrip(_OPENERS)


def _is_boundary(text: str, sentence_start: int, match: re.Match[str], end: int) -> bool:
    """Whether the terminator in ``match`` ends the sentence, judged by its neighbours."""
    following = _next_token(text, match.end(), end)
    bare = following.lstrip(_OPENERS)
    first = bare[:1] or following[:1]
    if not first or first.islower() or first in ".,;:-–—%":
        return False
    terminator, closers = match.group(1), match.group(2)
    if terminator != "." or closers:
        return True
    word = _word_before(text, sentence_start, match.start(1))
    key = word.lower()
    if key in _TITLES:
        return False
    if key in _BEFORE_NUMBER and first.isdigit():
        return False
    opener = bare.strip(_CLOSERS + ",;:").lower() in _SENTENCE_OPENERS
    if key in _AMBIGUOUS or _ACRONYM_RE.match(word) or _is_initial(word):
        return opener
    return True


def _is_initial(word: str) -> bool:
    return len(word) == 1 and word.isupper() and unicodedata.category(word) == "Lu"
