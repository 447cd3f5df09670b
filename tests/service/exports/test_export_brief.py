"""export_brief: the interface the CLI, HTTP and batch doors share; every file reloads."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from service.exports import EXPORT_FORMATS, export_brief
from service.exports.tbx import read_tbx
from service.exports.tmx import read_tmx
from service.exports.xliff import read_xliff
from service.pipeline import BriefRequest, build_brief
from service.runtime.resources import Resources

REPO_ARTICLE = Path(__file__).resolve().parents[3] / "examples" / "harbor_drill.txt"


def _reload(fmt: str, data: bytes):
    etree.fromstring(data)
    if fmt in ("xliff", "xliff12"):
        return read_xliff(data)[2]
    if fmt == "tmx":
        return read_tmx(data)[1]
    return read_tbx(data)


@pytest.mark.parametrize(("fmt", "suffixes"), [("xliff", [".ja.xlf", ".ko.xlf"]),
                                           ("xliff12", [".ja.xliff12.xlf", ".ko.xliff12.xlf"]),
                                           ("tmx", [".tmx"]), ("tbx", [".tbx"])])
def test_each_format_gives_its_files(make_brief, fmt, suffixes):
    files = export_brief(make_brief(), fmt)
    assert [s for s, _ in files] == suffixes
    for _, data in files:
        assert isinstance(data, bytes)
        assert _reload(fmt, data) is not None


def test_unknown_format_is_a_value_error(make_brief):
    with pytest.raises(ValueError, match="xliff"):
        export_brief(make_brief(), "docx")


def _tiny_round_trip(brief) -> None:
    for fmt in EXPORT_FORMATS:
        for suffix, data in export_brief(brief, fmt):
            back = _reload(fmt, data)
            if fmt == "tbx":
                assert sorted(e.source for e in back) == sorted(e.source for e in brief.entities if e.renderings)
                continue
            lang = suffix.split(".")[1] if fmt != "tmx" else None
            assert [s.id for s in back] == [s.id for s in brief.segments]
            for got, seg in zip(back, brief.segments, strict=True):
                assert got.texts["en"] == seg.en
                for target in [lang] if lang else list(seg.translations):
                    assert got.texts[target] == seg.translations[target]
                    assert got.provenance[target] == seg.provenance[target]


@pytest.mark.parametrize("article", ["repo", "seed"])
def test_tiny_model_briefs_round_trip_in_every_format(tiny_settings, article, request):
    text = REPO_ARTICLE.read_text(encoding="utf-8") if article == "repo" else request.getfixturevalue("seed_article")
    brief = build_brief(text, BriefRequest(target_langs=("ja", "ko"), sentences=3), Resources(tiny_settings))
    _tiny_round_trip(brief)
