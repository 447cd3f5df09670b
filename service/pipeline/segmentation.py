"""Sentence segmentation for English news text, with offsets into the original text.

Rule-based, on the project's own rules rather than pySBD: measured on the Pragmatic Segmenter
golden rules and on news cases written for the repository (``tests/data/segmentation/``), the rules
here pass as many golden rules, more news cases, keep offsets exact by construction and run in
linear time, where pySBD re-finds its output in the input and slows down quadratically.

How a text is read:

* Lines are grouped into paragraphs at blank lines (a line of only whitespace, including
  no-break and full-width spaces, is blank).
* Each line is first checked for being no prose at all (``line_kinds``): end marks (``###``,
  ``-30-``), rules (``* * *``), navigation and share lines, section labels in capitals,
  ``Source:``-style metadata, bylines and photo credits. Such a line is no sentence; it is listed
  in :attr:`Segmentation.dropped`. So is a bracketed credit after a caption (``... (AP Photo/X)``).
* Inside a paragraph a single line break is a stray break from pasted or wrapped text and reads as a
  space, except before a list item (``•``, ``-``, ``1.``, ``(a)``, ``i.``...) and after a line
  ending in ``:`` (a lead-in), where a new run of text starts.
* Headline: the first line of content, when it has no sentence-final punctuation and is followed by a
  paragraph that does not continue it (or is title-cased and followed by more text in its
  paragraph), is its own sentence with ``is_headline``: the brief's title. So is a later one-line
  paragraph that is short, title-cased and unpunctuated (a subheading).
* A paragraph that starts lower-case is a fragment. If the paragraph before it ended mid-sentence
  the blank line was a stray break and the fragment is joined to it; after a full sentence it stays
  its own sentence (joining would corrupt a good sentence with a pasting leftover).
* Inside a run, sentences end at terminators judged by their neighbours (``sentence_bounds``).
* Dateline: a wire dateline opening the first body sentence ("TOKYO (Reuters) —") stays part of
  that sentence and is marked (``dateline``, ``dateline_end``) so a summary can leave it out.

``Sentence.text`` is the span with every run of whitespace made one space, so
``" ".join(text[start:end].split()) == sentence.text`` always holds; sentences and dropped lines
never overlap, and nothing but whitespace lies outside them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from service.brief import DroppedLine
from service.pipeline.line_kinds import PHOTO_CREDIT, dateline_end, line_kind, trailing_credit
from service.pipeline.sentence_bounds import CLOSERS, OPENERS, list_marker, split_run, trim_span
from service.text import remove_controls  # input normalization removes them (every stored text too)

__all__ = ["Segmentation", "Sentence", "remove_controls", "segment_text", "split_sentences"]

_SMALL_WORDS = frozenset("a an the and or nor but of in on at to for with by from as vs via per".split())
_NEWLINE_RE = re.compile(r"\r\n|[\n\r\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e]")
_TERMINATORS = ".!?…"
_MAX_HEADLINE_WORDS = 30
_MAX_SUBHEADING_WORDS = 20


@dataclass(frozen=True)
class Sentence:
    """One sentence; ``start``/``end`` index the text given to :func:`split_sentences`.

    ``dateline`` is the wire dateline opening the sentence ("TOKYO (Reuters) —"), whitespace made
    single spaces, ending at offset ``dateline_end``; empty for every other sentence.
    """

    text: str
    start: int
    end: int
    is_headline: bool = False
    dateline: str = ""
    dateline_end: int | None = None

    @property
    def content(self) -> str:
        """The sentence without its dateline."""
        return self.text[len(self.dateline):].lstrip() if self.dateline else self.text


@dataclass(frozen=True)
class Segmentation:
    """A text read as sentences (headline and subheadings flagged) and the non-content lines left out
    (``kind`` one of ``line_kinds.KINDS``; the brief's ``meta.dropped`` lists them as they are)."""

    sentences: tuple[Sentence, ...]
    dropped: tuple[DroppedLine, ...]

    @property
    def title(self) -> Sentence | None:
        """The headline the text opens with, if it has one."""
        first = self.sentences[0] if self.sentences else None
        return first if first is not None and first.is_headline else None


@dataclass
class _Run:
    """Lines read as one stretch of prose; ``block`` is the paragraph it lies in."""

    block: int
    lines: list[tuple[int, int]] = field(default_factory=list)
    is_headline: bool = False

    @property
    def start(self) -> int:
        return self.lines[0][0]

    @property
    def end(self) -> int:
        return self.lines[-1][1]


def split_sentences(text: str) -> list[Sentence]:
    """Split English news text into sentences with offsets into ``text`` (non-content lines left out)."""
    return list(segment_text(text).sentences)


def segment_text(text: str) -> Segmentation:
    """Read ``text`` as sentences and non-content lines, each with offsets into ``text``."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, got {type(text).__name__}")
    runs, dropped = _read_blocks(text)
    if runs:
        _mark_headlines(text, runs)
    sentences: list[Sentence] = []
    for run in _join_fragments(text, runs, dropped):
        if run.is_headline:
            sentences.append(_make(text, run.start, run.end, True))
        else:
            sentences += [_make(text, start, end) for start, end in split_run(text, run.start, run.end)]
    return Segmentation(tuple(_mark_dateline(text, sentences)), tuple(dropped))


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


def _raw_blocks(text: str) -> list[list[tuple[int, int]]]:
    """Runs of non-blank lines, each line trimmed."""
    blocks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for start, end in _lines(text):
        start, end = trim_span(text, start, end)
        if start == end:
            if current:
                blocks.append(current)
            current = []
        else:
            current.append((start, end))
    if current:
        blocks.append(current)
    return blocks


def _read_blocks(text: str) -> tuple[list[_Run], list[DroppedLine]]:
    """The runs of prose of every paragraph, and the non-content lines between them."""
    runs: list[_Run] = []
    dropped: list[DroppedLine] = []
    for block, lines in enumerate(_raw_blocks(text)):
        previous_kind: str | None = None
        current: _Run | None = None
        for start, end in lines:
            credit = trailing_credit(text, start, end)
            line_end = trim_span(text, start, credit)[1] if credit is not None else end
            # A short line in capitals opening the text is its headline; inside a sentence, a wrapped line.
            prose_goes_on = current is not None and not _ends_sentence(text, *current.lines[-1])
            kind = line_kind(text[start:line_end], previous_kind, capitals_are_labels=bool(runs) and not prose_goes_on)
            if kind is not None:
                dropped.append(_non_content(text, kind, start, line_end))
                current = None
            elif current is None or _breaks_before(text, current, start, line_end):
                current = _Run(block, [(start, line_end)])
                runs.append(current)
            else:
                current.lines.append((start, line_end))
            if credit is not None:
                dropped.append(_non_content(text, PHOTO_CREDIT, credit, end))
                current = None
            previous_kind = kind
    return runs, dropped


def _non_content(text: str, kind: str, start: int, end: int) -> DroppedLine:
    return DroppedLine(" ".join(text[start:end].split()), kind, start, end)


def _breaks_before(text: str, run: _Run, start: int, end: int) -> bool:
    """Whether a line break inside a paragraph starts a new run: before a list item, after a lead-in."""
    return text[run.end - 1] == ":" or list_marker(text, start, end) is not None


def _mark_headlines(text: str, runs: list[_Run]) -> None:
    """Flag the opening headline (split off its run if the run goes on) and the subheadings."""
    first = runs[0]
    if _is_first_line_headline(text, runs):
        if len(first.lines) > 1:
            runs.insert(1, _Run(first.block, first.lines[1:]))
            first.lines = first.lines[:1]
        first.is_headline = True
    per_block: dict[int, int] = {}
    for run in runs:
        per_block[run.block] = per_block.get(run.block, 0) + 1
    for run in runs[1:]:
        if len(run.lines) == 1 and per_block[run.block] == 1 and _is_subheading(text, run.start, run.end):
            run.is_headline = True


def _is_first_line_headline(text: str, runs: list[_Run]) -> bool:
    run = runs[0]
    start, end = run.lines[0]
    line = text[start:end]
    if (len(line.split()) > _MAX_HEADLINE_WORDS or line[0].islower() or line[-1] in ":—–-"
            or list_marker(text, start, end) is not None):
        return False
    if len(run.lines) > 1:
        # Inside one paragraph an unpunctuated first line is a headline only if it looks like one;
        # otherwise it is the hard-wrapped first line of the body.
        return not _ends_sentence(text, start, end) and _is_title_cased(line) and not text[run.lines[1][0]].islower()
    following = runs[1] if len(runs) > 1 else None
    if following is None:
        return False  # a lone line is the whole text, not a headline over nothing
    if _ends_sentence(text, start, end):
        # "Will Rates Rise Again?": a title-cased question or exclamation in a paragraph of its own.
        return line[-1] in "?!" and following.block != run.block and _is_title_cased(line)
    if following.block == run.block:
        return _is_title_cased(line)
    return not text[following.start].islower()


def _is_subheading(text: str, start: int, end: int) -> bool:
    line = text[start:end]
    return (
        not _ends_sentence(text, start, end)
        and line[-1] not in ":—–-"
        and len(line.split()) <= _MAX_SUBHEADING_WORDS
        and list_marker(text, start, end) is None
        and _is_title_cased(line)
    )


def _is_title_cased(line: str) -> bool:
    words = [w.strip(OPENERS + CLOSERS + ",:;-–—") for w in line.split()]
    content = [w for w in words if w and w.lower() not in _SMALL_WORDS]
    if len(content) < 2:
        return False
    capitalised = sum(1 for w in content if w[0].isupper() or w[0].isdigit())
    return capitalised / len(content) >= 0.75


def _ends_sentence(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` ends with a sentence terminator (closing quotes and brackets aside)."""
    while end > start and text[end - 1] in CLOSERS:
        end -= 1
    return end > start and text[end - 1] in _TERMINATORS


def _join_fragments(text: str, runs: list[_Run], dropped: list[DroppedLine]) -> list[_Run]:
    """Runs with each lower-case paragraph joined to the one before when that ended mid-sentence."""
    out: list[_Run] = []
    for run in runs:
        previous = out[-1] if out else None
        if (previous is not None and run.block != previous.block and text[run.start].islower()
                and not previous.is_headline and not _ends_sentence(text, previous.start, previous.end)
                and text[previous.end - 1] != ":"
                and not any(previous.end <= line.start < run.start for line in dropped)):
            previous.lines += run.lines
            continue
        out.append(run)
    return out


def _mark_dateline(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """The sentences, the first body sentence marked with the dateline it opens with."""
    for n, sentence in enumerate(sentences):
        if sentence.is_headline:
            continue
        end = dateline_end(text, sentence.start, sentence.end)
        if end is not None:
            dateline = " ".join(text[sentence.start:end].split())
            sentences[n] = replace(sentence, dateline=dateline, dateline_end=end)
        break
    return sentences
