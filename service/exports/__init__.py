"""Exports of a brief for translation desks: XLIFF 2.0, XLIFF 1.2, TMX 1.4b and TBX.

``export_brief(brief, fmt)`` returns ``[(suffix, bytes), ...]``: one XLIFF file per target
language (suffix ``.ja.xlf``), one TMX (``.tmx``) or one TBX (``.tbx``). Readers in the
submodules load the files back (the translation memory imports through them).
"""
from __future__ import annotations

from service.brief import Brief
from service.exports.common import ExchangeFileError, ExportedSegment, Span

EXPORT_FORMATS = ("xliff", "xliff12", "tmx", "tbx")
MIMETYPES = {
    "xliff": "application/xliff+xml",
    "xliff12": "application/x-xliff+xml",
    "tmx": "application/x-tmx+xml",
    "tbx": "application/x-tbx",
}

__all__ = ["EXPORT_FORMATS", "MIMETYPES", "ExchangeFileError", "ExportedSegment", "Span", "export_brief",
           "target_langs"]


def target_langs(brief: Brief) -> list[str]:
    """The brief's target languages in order (from meta, else from its segments)."""
    langs = list(brief.meta.target_langs)
    return langs or sorted({lang for s in brief.segments for lang in s.translations})


def export_brief(brief: Brief, fmt: str) -> list[tuple[str, bytes]]:
    """The files of ``brief`` in ``fmt`` as ``(file-name suffix, bytes)`` pairs."""
    if fmt == "xliff":
        from service.exports.xliff import write_xliff2

        return [(f".{lang}.xlf", write_xliff2(brief, lang)) for lang in target_langs(brief)]
    if fmt == "xliff12":
        from service.exports.xliff import write_xliff12

        return [(f".{lang}.xliff12.xlf", write_xliff12(brief, lang)) for lang in target_langs(brief)]
    if fmt == "tmx":
        from service.exports.tmx import write_tmx

        return [(".tmx", write_tmx(brief))]
    if fmt == "tbx":
        from service.exports.tbx import write_tbx

        return [(".tbx", write_tbx(brief))]
    raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
