"""Brief rendering: JSON, plain text and Markdown for people; XLIFF, TMX and TBX files for CAT tools."""
from __future__ import annotations

import json

from service.brief import Brief
from service.exports import EXPORT_FORMATS, export_brief
from service.exports import MIMETYPES as EXPORT_MIMETYPES
from service.languages import LANGUAGES

FORMATS = ("json", "text", "markdown")
ALL_FORMATS = FORMATS + EXPORT_FORMATS
SUFFIXES = {"json": ".json", "text": ".txt", "markdown": ".md"}
MIMETYPES = {"json": "application/json", "text": "text/plain", "markdown": "text/markdown", **EXPORT_MIMETYPES}


def brief_files(brief: Brief, fmt: str) -> list[tuple[str, bytes]]:
    """``brief`` in any of ALL_FORMATS as ``(file-name suffix, bytes)`` pairs (several for XLIFF)."""
    if fmt in EXPORT_FORMATS:
        return export_brief(brief, fmt)
    text = render_brief(brief, fmt)
    return [(SUFFIXES[fmt], (text if text.endswith("\n") else text + "\n").encode("utf-8"))]


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
    for segment in brief.segments:
        lines.append(f"[{segment.id}] en: {segment.en}")
        lines += [f"     {lang}: {text}" for lang, text in segment.translations.items()]
        lines.append("")
    lines += [f"warning: {w.message}" + _where(w) for w in brief.meta.warnings]
    return "\n".join(lines).rstrip() + "\n"


def _render_markdown(brief: Brief) -> str:
    lines = ["# Brief", ""]
    for segment in brief.segments:
        lines.append(f"{segment.id.removeprefix('s')}. **{segment.en}**")
        for lang, text in segment.translations.items():
            lines.append(f"   - *{LANGUAGES.get(lang, lang)}*: {text}")
        lines.append("")
    if brief.entities:
        lines += ["## Entities", "", "| English | Type | Source | " + " | ".join(brief.meta.target_langs) + " |",
                  "|---|---|---|" + "---|" * len(brief.meta.target_langs)]
        for e in brief.entities:
            where = e.glossary or e.resolution
            cells = [e.renderings.get(lang, "") for lang in brief.meta.target_langs]
            lines.append(f"| {e.source} | {e.type} | {where} | " + " | ".join(cells) + " |")
        lines.append("")
    if brief.meta.warnings:
        lines += ["## Warnings", ""] + [f"- {w.message}{_where(w)}" for w in brief.meta.warnings] + [""]
    lines.append(f"<sub>{brief.meta.signature}</sub>")
    return "\n".join(lines) + "\n"


def _where(warning) -> str:
    parts = [p for p in (warning.segment, warning.lang) if p]
    return f" ({', '.join(parts)})" if parts else ""
