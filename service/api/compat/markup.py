"""Tag handling (DeepL ``tag_handling=xml|html``, LibreTranslate ``format=html``).

The markup is read with the standard library's HTML parser; every tag, comment and
declaration is copied byte for byte from the input, and only the text between tags
is translated. Text inside ``ignore_tags``, inside an element marked
``translate="no"`` and, for HTML, inside script and style is kept as it is. Each
text run is translated on its own, so a sentence that an inline tag splits is
translated in pieces.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser

ALWAYS_IGNORED_HTML = frozenset({"script", "style"})  # their content is code, not text
TEXT_EVENTS = frozenset({"data", "entityref", "charref"})


@dataclass
class MarkedText:
    """A document as alternating markup (kept) and text runs (translatable when ``translate``)."""

    parts: list[tuple[bool, str]] = field(default_factory=list)  # (translatable, raw source)

    def texts(self) -> list[str]:
        """The translatable runs, unescaped, without their surrounding whitespace."""
        return [html.unescape(raw).strip() for translatable, raw in self.parts if translatable]

    def render(self, translations: list[str]) -> str:
        """The document with each translatable run replaced by its translation (escaped)."""
        pending = iter(translations)
        out = []
        for translatable, raw in self.parts:
            if not translatable:
                out.append(raw)
                continue
            text = html.unescape(raw)
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()):]
            out.append(lead + html.escape(next(pending), quote=False) + trail)
        return "".join(out)


class _Events(HTMLParser):
    """Records where each parser event starts, so raw source can be sliced between them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.events: list[tuple[int, int, str, str, bool]] = []  # (line, column, kind, tag, no-translate)

    def _mark(self, kind: str, tag: str = "", keep: bool = False) -> None:
        line, column = self.getpos()
        self.events.append((line, column, kind, tag, keep))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._mark("start", tag, any(k == "translate" and (v or "").lower() == "no" for k, v in attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._mark("startend", tag)

    def handle_endtag(self, tag: str) -> None:
        self._mark("end", tag)

    def handle_data(self, data: str) -> None:
        self._mark("data")

    def handle_entityref(self, name: str) -> None:
        self._mark("entityref")

    def handle_charref(self, name: str) -> None:
        self._mark("charref")

    def handle_comment(self, data: str) -> None:
        self._mark("comment")

    def handle_decl(self, decl: str) -> None:
        self._mark("decl")

    def handle_pi(self, data: str) -> None:
        self._mark("pi")

    def unknown_decl(self, data: str) -> None:
        self._mark("decl")


def _offsets(text: str) -> list[int]:
    starts = [0]
    for n, char in enumerate(text):
        if char == "\n":
            starts.append(n + 1)
    return starts


def parse_markup(text: str, *, mode: str = "html", ignore_tags: tuple[str, ...] = ()) -> MarkedText:
    """Split ``text`` into kept markup and translatable text runs."""
    parser = _Events()
    parser.feed(text)
    parser.close()
    line_starts = _offsets(text)
    positions = [line_starts[line - 1] + column for line, column, _, _, _ in parser.events] + [len(text)]
    ignored = {t.lower() for t in ignore_tags if t}
    if mode == "html":
        ignored |= ALWAYS_IGNORED_HTML
    kept: list[str] = []  # open elements whose text stays as it is
    marked = MarkedText()
    run: list[str] = []

    def flush() -> None:
        raw = "".join(run)
        if raw:
            has_words = any(c.isalnum() for c in html.unescape(raw))
            marked.parts.append((has_words and not kept, raw))
        run.clear()

    for n, (_, _, kind, tag, no_translate) in enumerate(parser.events):
        raw = text[positions[n]:positions[n + 1]]
        if kind in TEXT_EVENTS:
            run.append(raw)
            continue
        flush()
        if kind == "start" and (tag in ignored or no_translate or kept):
            kept.append(tag)
        elif kind == "end" and tag in kept:
            del kept[len(kept) - 1 - kept[::-1].index(tag):]  # close it and anything left open inside
        marked.parts.append((False, raw))
    flush()
    if positions[0] > 0:  # text before the first event (the parser reports none here, but be safe)
        marked.parts.insert(0, (False, text[: positions[0]]))
    return marked
