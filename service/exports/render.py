"""Brief rendering for people: JSON, plain text and Markdown (``service.exports.FORMATS`` writes them to files)."""
from __future__ import annotations

import html
import json
import re

from service.brief import AlignedSegment, Brief, BriefWarning, SegmentQuality
from service.languages import LANGUAGES

FORMATS = ("json", "text", "markdown")


def render_brief(brief: Brief, fmt: str) -> str:
    """Render a brief as ``json``, ``text`` or ``markdown``."""
    if fmt == "json":
        return json.dumps(brief.to_dict(), ensure_ascii=False, indent=2)
    if fmt == "text":
        return _render_text(brief)
    if fmt == "markdown":
        return _render_markdown(brief)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _render_text(brief: Brief) -> str:
    lines = []
    for segment in brief.units():
        head = f"[{segment.id}] "
        lines.append(f"{head}en: {_one_line(segment.en)}")
        for lang, text in segment.translations.items():
            lines.append(f"{' ' * len(head)}{lang}: {_one_line(text)}")
            quality = segment.quality.get(lang)
            if quality is not None and quality.needs_review:
                lines.append(f"{' ' * (len(head) + 4)}! needs review (score {quality.score:g})")
                lines += [f"{' ' * (len(head) + 6)}{_one_line(line)}" for line in _review_lines(quality)]
        lines.append("")
    lines += [f"left out ({d.kind}): {_one_line(d.text)}" for d in brief.meta.dropped]
    lines += [f"warning: {_one_line(w.message)}" + _where(w) for w in brief.meta.warnings]
    return "\n".join(lines).rstrip() + "\n"


def _render_markdown(brief: Brief) -> str:
    title = brief.title
    lines = [f"# {_md(title.en)}" if title is not None else "# Brief", ""]
    if brief.meta.quality is not None and brief.meta.quality.needs_review:
        lines += [f"**⚠ {brief.meta.quality.needs_review} of {len(brief.units())} segment(s) need review** "
                  "(marked below).", ""]
    if title is not None:
        lines += _markdown_translations(title, "- ")
        lines.append("")
    for segment in brief.segments:
        lines.append(f"{segment.id.removeprefix('s')}. **{_md(segment.en)}**")
        lines += _markdown_translations(segment, "   - ")
        lines.append("")
    if brief.entities:
        lines += ["## Entities", "", "| English | Type | Source | " + " | ".join(brief.meta.target_langs) + " |",
                  "|---|---|---|" + "---|" * len(brief.meta.target_langs)]
        for e in brief.entities:
            where = e.glossary or e.resolution
            cells = [_md(e.renderings.get(lang, "")) for lang in brief.meta.target_langs]
            lines.append(f"| {_md(e.source)} | {_md(e.type)} | {_md(where)} | " + " | ".join(cells) + " |")
        lines.append("")
    if brief.meta.dropped:
        lines += ["## Left out of the brief", ""] + [f"- {_md(d.kind)}: {_md(d.text)}" for d in brief.meta.dropped]
        lines.append("")
    if brief.meta.warnings:
        lines += ["## Warnings", ""] + [f"- {_md(w.message)}{_where(w)}" for w in brief.meta.warnings] + [""]
    lines.append(f"<sub>{_md(brief.meta.signature)}</sub>")
    return "\n".join(lines) + "\n"


# Article and glossary text is data, not markup: HTML is escaped, Markdown syntax and table
# separators are backslash-escaped, and line breaks cannot start a new block or table row.
# Values always sit inside a line, so only inline syntax needs escaping (not ``#``, ``-``, ``1.``).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _md(text: str) -> str:
    """``text`` as literal Markdown (inline, and safe inside a table cell)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(_one_line(text), quote=False))


def _one_line(text: str) -> str:
    """Line breaks in a value become spaces, so a value cannot forge another line of the output."""
    return " ".join(text.splitlines())


def _markdown_translations(segment: AlignedSegment, bullet: str) -> list[str]:
    """One Markdown line per translation, marked (with its flags below) when it needs review."""
    lines = []
    for lang, text in segment.translations.items():
        quality = segment.quality.get(lang)
        mark = f" ⚠ **needs review** (score {quality.score:g})" if quality and quality.needs_review else ""
        lines.append(f"{bullet}*{LANGUAGES.get(lang, lang)}*: {_md(text)}{mark}")
        lines += [f"{' ' * len(bullet)}- {_md(line)}" for line in _review_lines(quality)]
    return lines


def _review_lines(quality: SegmentQuality | None) -> list[str]:
    """The flags of a translation that needs review, one line each (none when it passed)."""
    if quality is None or not quality.needs_review:
        return []
    return [f"{flag.kind}: {flag.detail}" for flag in quality.flags]


def _where(warning: BriefWarning) -> str:
    parts = [p for p in (warning.segment, warning.lang) if p]
    return f" ({', '.join(parts)})" if parts else ""
