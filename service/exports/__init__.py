"""Every form a brief leaves the service in, in one table: JSON, plain text and Markdown for
people; XLIFF 2.0, XLIFF 1.2, TMX 1.4b and TBX for translation desks.

``export_brief(brief, fmt)`` returns ``[(suffix, bytes), ...]``: one file for most formats,
one XLIFF file per target language (suffix ``.ja.xlf``). ``FORMATS`` maps each format to its
MIME type and writer; the CLI, HTTP and batch doors all read it. Readers in the submodules load
the desk files back (the translation memory imports through them). Writers import their
modules on first use, so the XML toolkits load only when a desk format is asked for.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from service.brief import Brief
from service.exports.common import ExchangeFileError, ExportedSegment, Span

Files = list[tuple[str, bytes]]  # (file-name suffix, contents)

__all__ = ["ALL_FORMATS", "EXPORT_FORMATS", "FORMATS", "MIMETYPES", "BriefFormat", "ExchangeFileError",
           "ExportedSegment", "Files", "Span", "export_brief", "target_langs"]


def target_langs(brief: Brief) -> list[str]:
    """The brief's target languages in order (from meta, else from its segments)."""
    langs = list(brief.meta.target_langs)
    return langs or sorted({lang for s in brief.units() for lang in s.translations})


def _text_file(fmt: str, suffix: str) -> Callable[[Brief], Files]:
    def write(brief: Brief) -> Files:
        from service.exports.render import render_brief

        text = render_brief(brief, fmt)
        return [(suffix, (text if text.endswith("\n") else text + "\n").encode("utf-8"))]

    return write


def _xliff2(brief: Brief) -> Files:
    from service.exports.xliff import write_xliff2

    return [(f".{lang}.xlf", write_xliff2(brief, lang)) for lang in target_langs(brief)]


def _xliff12(brief: Brief) -> Files:
    from service.exports.xliff import write_xliff12

    return [(f".{lang}.xliff12.xlf", write_xliff12(brief, lang)) for lang in target_langs(brief)]


def _tmx(brief: Brief) -> Files:
    from service.exports.tmx import write_tmx

    return [(".tmx", write_tmx(brief))]


def _tbx(brief: Brief) -> Files:
    from service.exports.tbx import write_tbx

    return [(".tbx", write_tbx(brief))]


@dataclass(frozen=True)
class BriefFormat:
    """One output format: its MIME type, its writer, and whether it is a desk exchange file."""

    mimetype: str
    write: Callable[[Brief], Files]
    desk: bool = False


FORMATS: dict[str, BriefFormat] = {
    "json": BriefFormat("application/json", _text_file("json", ".json")),
    "text": BriefFormat("text/plain", _text_file("text", ".txt")),
    "markdown": BriefFormat("text/markdown", _text_file("markdown", ".md")),
    "xliff": BriefFormat("application/xliff+xml", _xliff2, desk=True),
    "xliff12": BriefFormat("application/x-xliff+xml", _xliff12, desk=True),
    "tmx": BriefFormat("application/x-tmx+xml", _tmx, desk=True),
    "tbx": BriefFormat("application/x-tbx", _tbx, desk=True),
}
ALL_FORMATS = tuple(FORMATS)
EXPORT_FORMATS = tuple(name for name, spec in FORMATS.items() if spec.desk)
MIMETYPES = {name: spec.mimetype for name, spec in FORMATS.items()}


def export_brief(brief: Brief, fmt: str) -> Files:
    """The files of ``brief`` in ``fmt`` (any of ``ALL_FORMATS``) as ``(file-name suffix, bytes)`` pairs."""
    spec = FORMATS.get(fmt)
    if spec is None:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return spec.write(brief)
