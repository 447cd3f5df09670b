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
            assert [s.id for s in back] == [s.id for s in brief.units()]
            for got, seg in zip(back, brief.units(), strict=True):
                assert got.texts["en"] == seg.en
                for target in [lang] if lang else list(seg.translations):
                    assert got.texts[target] == seg.translations[target]
                    assert got.provenance[target] == seg.provenance[target]


@pytest.mark.parametrize("article", ["repo", "seed"])
def test_tiny_model_briefs_round_trip_in_every_format(tiny_settings, article, request):
    text = REPO_ARTICLE.read_text(encoding="utf-8") if article == "repo" else request.getfixturevalue("seed_article")
    brief = build_brief(text, BriefRequest(target_langs=("ja", "ko"), sentences=3), Resources(tiny_settings))
    assert brief.title is not None
    _tiny_round_trip(brief)


HEADLINED = ("Officials Meet In Tokyo For Port Talks\n\n"
             "Officials met in Tokyo on Monday. Delegates from Seoul agreed.\n\n###")


@pytest.mark.parametrize("fmt", ["xliff", "xliff12", "tmx"])
def test_the_title_is_the_first_unit_of_its_own(make_brief, fmt):
    brief = make_brief(HEADLINED, sentences=1)
    for suffix, data in export_brief(brief, fmt):
        units = _reload(fmt, data)
        assert [u.id for u in units] == ["title", "s1"]
        assert units[0].texts["en"] == "Officials Meet In Tokyo For Port Talks"
        lang = suffix.split(".")[1] if fmt != "tmx" else "ja"
        tokyo = {"ja": "東京", "ko": "도쿄"}[lang]
        assert units[0].texts[lang] == f"<{lang}> Officials Meet In {tokyo} For Port Talks"
        assert units[0].provenance[lang] == "model"
        # The entity in the title is marked there too.
        assert [span.source for span in units[0].spans["en"]] == ["Tokyo"]


@pytest.mark.parametrize(("fmt", "shown"), [
    ("text", ["[title] en: Officials Meet In Tokyo For Port Talks",
              "        ja: <ja> Officials Meet In 東京 For Port Talks", "left out (end-mark): ###"]),
    ("markdown", ["# Officials Meet In Tokyo For Port Talks",
                  "- *Japanese*: &lt;ja&gt; Officials Meet In 東京 For Port Talks",
                  "## Left out of the brief", "- end-mark: ###"]),
    ("json", ['"title": {', '"id": "title"', '"dropped": [', '"kind": "end-mark"']),
])
def test_people_formats_show_the_title_and_what_was_left_out(make_brief, fmt, shown):
    ((_, data),) = export_brief(make_brief(HEADLINED, sentences=1), fmt)
    text = data.decode("utf-8")
    for line in shown:
        assert line in text
    assert "###" not in text.replace("(end-mark): ###", "").replace("end-mark: ###", "").replace('"text": "###"', "")


def test_a_brief_without_a_title_keeps_the_plain_heading(make_brief):
    brief = make_brief()
    assert brief.title is None
    ((_, data),) = export_brief(brief, "markdown")
    assert data.decode("utf-8").startswith("# Brief\n")
    assert [u.id for u in _reload("tmx", export_brief(brief, "tmx")[0][1])] == ["s1", "s2", "s3"]
