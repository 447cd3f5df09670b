"""Putting entity renderings back into model output, whatever the model did to the placeholders.

The output is held as a list of pieces: plain model text, or one rendered mention. Every edit
(restore, insert, adopt, remove) works on pieces, so offsets computed at the end are exact and a
mention is never split or edited by a later repair.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from service.glossary.korean import fix_particle
from service.glossary.standalone import find_standalone, is_standalone

__all__ = ["PlaceholderScheme", "Protected", "Repair", "Restored", "choose_scheme", "find_standalone", "restore"]

NO_SPACE_LANGS = frozenset({"ja", "zh", "th", "lo", "km", "my"})
_PREFIXES = ("ZX", "QJ", "XQ", "JQZ", "QZX")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_SENTENCE_TAIL = re.compile(r"[\s.!?。！？」』”\"')）]*$")


@dataclass(frozen=True)
class Protected:
    """One source mention to render: placeholder number ``index`` becomes ``rendering``."""

    index: int
    entity: str
    label: str  # the English surface, for warning messages
    rendering: str
    variants: tuple[str, ...] = ()  # other spellings to normalise into the rendering
    position: float = 0.0  # relative position of the mention in the source, 0..1


@dataclass(frozen=True)
class Repair:
    code: str
    message: str


@dataclass
class _Piece:
    text: str
    mention: Protected | None = None


@dataclass
class Restored:
    text: str
    spans: list[tuple[Protected, int, int]]
    repairs: list[Repair] = field(default_factory=list)


class PlaceholderScheme:
    """Placeholders like ``ZX1``: plain Latin letters and digits that MT models tend to copy.

    ``locate`` is tolerant of what models do to them: case, spaces, full-width forms, separators.
    """

    def __init__(self, prefix: str) -> None:
        if not prefix.isascii() or not prefix.isalpha():
            raise ValueError(f"placeholder prefix must be ASCII letters, got {prefix!r}")
        self.prefix = prefix
        letters = r"\s*".join(
            f"[{c.upper()}{c.lower()}{chr(ord(c.upper()) + 0xFEE0)}{chr(ord(c.lower()) + 0xFEE0)}]"
            for c in prefix
        )
        self.pattern = re.compile(rf"(?<![A-Za-z]){letters}\s*[-_]?\s*([0-9０-９]+)")

    def token(self, index: int) -> str:
        return f"{self.prefix}{index}"

    def locate(self, text: str) -> list[tuple[int, int, int, bool]]:
        """(start, end, index, exact) of every placeholder-like token in ``text``."""
        found = []
        for m in self.pattern.finditer(text):
            index = int(m.group(1).translate(_FULLWIDTH_DIGITS))
            found.append((m.start(), m.end(), index, m.group(0) == self.token(index)))
        return found


def choose_scheme(texts: Sequence[str]) -> PlaceholderScheme:
    """The first placeholder form that does not already occur in any source text."""
    for prefix in _PREFIXES:
        scheme = PlaceholderScheme(prefix)
        if not any(scheme.pattern.search(t) for t in texts):
            return scheme
    return PlaceholderScheme("QZXJQ")


def _joined(pieces: list[_Piece]) -> str:
    return "".join(p.text for p in pieces)


def _find_plain(pieces: list[_Piece], word: str, lang: str,
                ignore_case: bool = False) -> tuple[int, int, int] | None:
    """First standalone ``word`` inside plain model text, judged in the context of the whole output."""
    spans = find_standalone(_joined(pieces), word, lang, ignore_case=ignore_case)
    offset = 0
    for i, piece in enumerate(pieces):
        end = offset + len(piece.text)
        if piece.mention is None:
            for start, stop in spans:
                if offset <= start and stop <= end:
                    return i, start - offset, stop - offset
        offset = end
    return None


def _replace(pieces: list[_Piece], where: tuple[int, int, int], new: list[_Piece]) -> None:
    i, start, end = where
    text = pieces[i].text
    pieces[i:i + 1] = [_Piece(text[:start]), *new, _Piece(text[end:])]


def _remove(pieces: list[_Piece], where: tuple[int, int, int]) -> None:
    i, start, end = where
    text = pieces[i].text
    before, after = text[:start], text[end:]
    if before.endswith(" ") and (after.startswith(" ") or not after):
        before = before[:-1]
    pieces[i] = _Piece(before + after)


def _char_class(ch: str) -> str:
    if ch.isspace():
        return "space"
    name = unicodedata.name(ch, "")
    for script in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL"):
        if name.startswith(script):
            return script
    if unicodedata.category(ch).startswith("P"):
        return "punct"
    return "word"


def _allowed_positions(pieces: list[_Piece], lang: str) -> list[int]:
    """Where a name may be inserted: word starts (or script changes in ja/zh), never in a mention."""
    text = _joined(pieces)
    inside: set[int] = set()
    offset = 0
    for piece in pieces:
        if piece.mention is not None:
            inside.update(range(offset + 1, offset + len(piece.text)))
        offset += len(piece.text)
    tail = _SENTENCE_TAIL.search(text)
    positions = {0, len(text), tail.start() if tail else len(text)}
    for p in range(1, len(text)):
        before, after = text[p - 1], text[p]
        if lang in NO_SPACE_LANGS:
            ok = _char_class(before) != _char_class(after) or _char_class(before) == "punct"
        else:
            ok = before.isspace() and not after.isspace()
        if ok:
            positions.add(p)
    return sorted(p for p in positions if p not in inside)


def _split_at(pieces: list[_Piece], position: int) -> int:
    """Make a piece boundary at ``position``; returns the index of the piece that starts there."""
    offset = 0
    for i, piece in enumerate(pieces):
        if offset == position:
            return i
        end = offset + len(piece.text)
        if position < end:
            cut = position - offset
            pieces[i:i + 1] = [_Piece(piece.text[:cut]), _Piece(piece.text[cut:])]
            return i + 1
        offset = end
    pieces.append(_Piece(""))
    return len(pieces) - 1


def _inserted(pieces: list[_Piece], mention: Protected, lang: str, position: int,
              force_space: bool = False) -> tuple[list[_Piece], str]:
    """The pieces to put at ``position`` (the name plus any spaces) and the resulting text."""
    text = _joined(pieces)
    new = [_Piece(mention.rendering, mention)]
    before, after = text[:position], text[position:]
    spaced = lang not in NO_SPACE_LANGS or force_space
    # In ja/zh a name only needs a space where it would otherwise run into a Latin word.
    if before and not before[-1].isspace() and (spaced or _char_class(before[-1]) == "word"):
        new.insert(0, _Piece(" "))
    if after and not after[0].isspace() and _char_class(after[0]) != "punct" and (
            spaced or _char_class(after[0]) == "word"):
        new.append(_Piece(" "))
    return new, before + _joined(new) + after


def _names_stay_standalone(pieces: list[_Piece], position: int, new: list[_Piece], lang: str) -> bool:
    """Whether inserting ``new`` at ``position`` leaves every name, old and new, its own word."""
    trial = list(pieces)
    i = _split_at(trial, position)
    trial[i:i] = new
    text = _joined(trial)
    offset = 0
    for piece in trial:
        end = offset + len(piece.text)
        if piece.mention is not None and not is_standalone(text, offset, end, lang):
            return False
        offset = end
    return True


def _insert(pieces: list[_Piece], mention: Protected, lang: str) -> None:
    """Insert the rendering near its source position, where it cannot fuse into a longer word."""
    text = _joined(pieces)
    target = round(mention.position * len(text))
    positions = sorted(_allowed_positions(pieces, lang), key=lambda p: (abs(p - target), p))
    # Nowhere may the name be its own word as the model's text stands (a kanji run, say): then
    # spaces keep it apart, at the nearest gap where that works, else at the end.
    gaps = [p for p in positions if p in (0, len(text))
            or _char_class(text[p - 1]) in ("space", "punct") or _char_class(text[p]) in ("space", "punct")]
    candidates = [(p, False) for p in positions] + [(p, True) for p in gaps]
    for position, spaced in candidates:
        new, _result = _inserted(pieces, mention, lang, position, force_space=spaced)
        if _names_stay_standalone(pieces, position, new, lang):
            break
    else:
        position = len(_joined(pieces))
        new, _result = _inserted(pieces, mention, lang, position, force_space=True)
    i = _split_at(pieces, position)
    pieces[i:i] = new


def _parse(output: str, mentions: Sequence[Protected], scheme: PlaceholderScheme,
           repairs: list[Repair]) -> tuple[list[_Piece], list[int]]:
    """Pieces with each placeholder's first copy restored; the indices in output order."""
    by_index = {m.index: m for m in mentions}
    pieces: list[_Piece] = []
    order: list[int] = []
    last = 0
    for start, end, index, exact in scheme.locate(output):
        pieces.append(_Piece(output[last:start]))
        last = end
        mention = by_index.get(index)
        if mention is None:
            repairs.append(Repair("glossary-repair-mangled",
                                  f"removed placeholder debris {output[start:end]!r} from the model output"))
            continue
        if index in order:
            repairs.append(Repair("glossary-repair-duplicated",
                                  f"the model repeated {mention.label!r}; kept one {mention.rendering!r}"))
            continue
        if not exact:
            repairs.append(Repair("glossary-repair-mangled",
                                  f"the model mangled {mention.label!r} into {output[start:end]!r}; "
                                  f"restored {mention.rendering!r}"))
        pieces.append(_Piece(mention.rendering, mention))
        order.append(index)
    pieces.append(_Piece(output[last:]))
    return pieces, order


def _recover_dropped(pieces: list[_Piece], mention: Protected, lang: str, repairs: list[Repair]) -> None:
    """A lost placeholder: adopt the model's own rendering or variant, else insert the rendering."""
    where = _find_plain(pieces, mention.rendering, lang)
    if where is not None:
        _replace(pieces, where, [_Piece(mention.rendering, mention)])
        return
    for variant in mention.variants:
        where = _find_plain(pieces, variant, lang, ignore_case=variant.isascii())
        if where is not None:
            i, start, end = where
            repairs.append(Repair("glossary-repair-variant",
                                  f"replaced {pieces[i].text[start:end]!r} with the glossary rendering "
                                  f"{mention.rendering!r} of {mention.label!r}"))
            _replace(pieces, where, [_Piece(mention.rendering, mention)])
            return
    _insert(pieces, mention, lang)
    repairs.append(Repair("glossary-repair-dropped",
                          f"the model dropped {mention.label!r}; inserted {mention.rendering!r}"))


def _remove_extras(pieces: list[_Piece], mentions: Sequence[Protected], lang: str,
                   repairs: list[Repair]) -> None:
    """Standalone copies of a rendering (or a variant) the model wrote besides the placeholders:
    removed. A copy inside a longer word (日本 in 日本人) is a different word and stays."""
    done: set[str] = set()
    for mention in mentions:
        for word, ignore_case in [(mention.rendering, False), *((v, v.isascii()) for v in mention.variants)]:
            if not word or word in done:
                continue
            done.add(word)
            while (where := _find_plain(pieces, word, lang, ignore_case)) is not None:
                i, start, end = where
                repairs.append(Repair("glossary-repair-duplicated",
                                      f"removed an extra {pieces[i].text[start:end]!r} the model wrote "
                                      f"besides {mention.rendering!r}"))
                _remove(pieces, where)


def _fix_spacing(pieces: list[_Piece], lang: str) -> None:
    """No spaces between a name and CJK text in ja/zh, unless that would fuse the name into a
    neighbouring word (朝鮮 after 北); Korean particles agree with the name."""
    for i, piece in enumerate(pieces):
        if piece.mention is None:
            continue
        name = piece.text
        if i + 1 < len(pieces) and pieces[i + 1].mention is None:
            following = pieces[i + 1].text
            if lang == "ko":
                following = fix_particle(name, following)
            elif lang in NO_SPACE_LANGS:
                stripped = following.lstrip()
                if (stripped and _char_class(stripped[0]) != "word"
                        and is_standalone(name + stripped[0], 0, len(name), lang)):
                    following = stripped
            pieces[i + 1] = _Piece(following)
        if lang in NO_SPACE_LANGS and i > 0 and pieces[i - 1].mention is None:
            preceding = pieces[i - 1].text
            context = _joined(pieces[:i]).rstrip()
            if preceding != preceding.rstrip() and (not context or (
                    _char_class(context[-1]) != "word"
                    and is_standalone(context[-1] + name, 1, 1 + len(name), lang))):
                pieces[i - 1] = _Piece(preceding.rstrip())


def _separate_names(pieces: list[_Piece], lang: str) -> None:
    """Where the model ran a restored name into a neighbour (日本ロシア, ZX1語), set it apart:
    a list mark between two names in ja/zh, a space otherwise."""
    named = [i for i, p in enumerate(pieces) if p.mention is not None]
    for left, right in reversed(list(pairwise(named))):
        if not _joined(pieces[left + 1:right]):
            pieces.insert(right, _Piece("、" if lang in NO_SPACE_LANGS else " "))
    i = 0
    while i < len(pieces):
        if pieces[i].mention is not None:
            for side in (1, 0):  # the right neighbour first, then the left
                text = _joined(pieces)
                start = len(_joined(pieces[:i]))
                end = start + len(pieces[i].text)
                if is_standalone(text, start, end, lang) or not (end < len(text) if side else start > 0):
                    continue
                neighbour = pieces[i + 1] if side else pieces[i - 1]
                mark = "、" if lang in NO_SPACE_LANGS and neighbour.mention is not None else " "
                pieces.insert(i + side, _Piece(mark))
                i += 1 - side
        i += 1


def _tidy(pieces: list[_Piece]) -> list[_Piece]:
    """Drop empty plain pieces, squeeze the double spaces repairs leave, trim the ends."""
    out = [p if p.mention else _Piece(re.sub(r"[ \u00a0]{2,}", " ", p.text)) for p in pieces]
    for i in range(1, len(out)):
        prev, cur = out[i - 1], out[i]
        if cur.mention is None and prev.text.endswith(" ") and cur.text.startswith(" "):
            out[i] = _Piece(cur.text[1:])
    out = [p for p in out if p.mention or p.text]
    if out and out[0].mention is None:
        out[0] = _Piece(out[0].text.lstrip())
    if out and out[-1].mention is None:
        out[-1] = _Piece(out[-1].text.rstrip())
    return [p for p in out if p.mention or p.text]


def restore(output: str, mentions: Sequence[Protected], scheme: PlaceholderScheme, lang: str) -> Restored:
    """``output`` with every mention rendered exactly once, offsets exact, repairs listed."""
    repairs: list[Repair] = []
    pieces, order = _parse(output or "", mentions, scheme, repairs)
    if order != sorted(order):
        by_index = {m.index: m for m in mentions}
        labels = ", ".join(repr(by_index[i].label) for i in order)
        repairs.append(Repair("glossary-repair-reordered",
                              f"the model reordered the names (now {labels}); kept its order"))
    for mention in mentions:
        if mention.index not in order:
            _recover_dropped(pieces, mention, lang, repairs)
    _separate_names(pieces, lang)
    _remove_extras(pieces, mentions, lang, repairs)
    _fix_spacing(pieces, lang)
    _separate_names(pieces, lang)
    pieces = _tidy(pieces)
    spans: list[tuple[Protected, int, int]] = []
    offset = 0
    for piece in pieces:
        if piece.mention is not None:
            spans.append((piece.mention, offset, offset + len(piece.text)))
        offset += len(piece.text)
    return Restored(_joined(pieces), spans, repairs)
