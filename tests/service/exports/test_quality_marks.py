"""Every output format carries the quality verdict: flagged segments marked for review with their flags."""
from __future__ import annotations

import json

import pytest
from lxml import etree

from service.brief import AlignedSegment, Brief, BriefMeta
from service.exports import export_brief
from service.exports.tmx import read_tmx
from service.exports.xliff import XLIFF2_NS, XLIFF12_NS, read_xliff
from service.quality.review import assess_brief
from service.settings import QualityOptions

SOURCE = "About 50,000 troops took part in the drills on July 28."


@pytest.fixture
def brief() -> Brief:
    """s1 passes in both languages; s2 has a changed number in ja and a loop in ko."""
    made = Brief(segments=[
        AlignedSegment("s1", 0, SOURCE, {"ja": "7月28日の演習には兵士約5万人が参加した。",
                                         "ko": "7월 28일 훈련에는 병력 약 5만 명이 참가했다."},
                       {"ja": "model", "ko": "model"}),
        AlignedSegment("s2", 1, SOURCE, {"ja": "7月28日の演習には兵士約5千人が参加した。",
                                         "ko": "7월 28일 훈련에는 병력 약 5만 명이 참가 참가 참가 참가했다."},
                       {"ja": "model", "ko": "model"}),
    ], entities=[], meta=BriefMeta(target_langs=["ja", "ko"], signature="sig"))
    assess_brief(made, QualityOptions())
    return made


def flags(brief: Brief, sid: str, lang: str) -> list[tuple[str, str]]:
    segment = next(s for s in brief.segments if s.id == sid)
    return [(f.kind, f.detail) for f in segment.quality[lang].flags]


def test_the_fixture_has_one_flagged_segment_per_language(brief):
    assert [[s.quality[lang].needs_review for lang in ("ja", "ko")] for s in brief.segments] == [[False, False],
                                                                                               [True, True]]


def test_json_carries_the_verdict_and_the_count(brief):
    [(_, data)] = export_brief(brief, "json")
    body = json.loads(data)
    assert body["segments"][1]["quality"]["ja"]["needs_review"] is True
    assert {f["kind"] for f in body["segments"][1]["quality"]["ja"]["flags"]} == {"number-missing", "number-added"}
    assert body["meta"]["quality"] == {"needs_review": 1, "by_lang": {"ja": 1, "ko": 1}, "threshold": 0.5}


def test_text_marks_flagged_translations_only(brief):
    [(_, data)] = export_brief(brief, "text")
    text = data.decode()
    first, second = text.split("[s2]")
    assert "needs review" not in first
    assert second.count("! needs review (score 0)") == 2
    assert "number-missing:" in second
    assert "repetition:" in second


def test_markdown_marks_flagged_translations_and_counts_them(brief):
    [(_, data)] = export_brief(brief, "markdown")
    text = data.decode()
    assert "**⚠ 1 of 2 segment(s) need review**" in text
    first, second = text.split("\n2. ")
    assert "needs review" not in first
    assert second.count("⚠ **needs review** (score 0)") == 2
    assert "     - number\\-missing:" not in second  # kinds are not Markdown syntax: no escaping needed
    assert "     - number-missing: " in second


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_xliff2_marks_review_with_state_substate_and_qa_notes_and_reads_them_back(brief, lang):
    [(_, data)] = [f for f in export_brief(brief, "xliff") if f[0] == f".{lang}.xlf"]
    ns = {"x": XLIFF2_NS}
    units = {u.get("id"): u for u in etree.fromstring(data).findall(".//x:unit", ns)}
    passed, flagged = units["s1"].find("x:segment", ns), units["s2"].find("x:segment", ns)
    assert (passed.get("state"), passed.get("subState")) == ("translated", None)
    assert (flagged.get("state"), flagged.get("subState")) == ("translated", "briefs:needs-review")
    notes = [n.text for n in units["s2"].findall("x:notes/x:note[@category='qa']", ns)]
    assert notes == [f"{kind}: {detail}" for kind, detail in flags(brief, "s2", lang)]
    _, _, segments = read_xliff(data)
    assert [s.needs_review[lang] for s in segments] == [False, True]
    assert [s.qa_flags.get(lang, []) for s in segments] == [[], flags(brief, "s2", lang)]
    assert [s.qa_score[lang] for s in segments] == [1.0, 0.0]


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_xliff12_marks_review_with_state_and_qa_notes_and_reads_them_back(brief, lang):
    [(_, data)] = [f for f in export_brief(brief, "xliff12") if f[0] == f".{lang}.xliff12.xlf"]
    ns = {"x": XLIFF12_NS}
    units = {u.get("id"): u for u in etree.fromstring(data).findall(".//x:trans-unit", ns)}
    assert units["s1"].find("x:target", ns).get("state") == "translated"
    assert units["s2"].find("x:target", ns).get("state") == "needs-review-translation"
    _, _, segments = read_xliff(data)
    assert [s.needs_review[lang] for s in segments] == [False, True]
    assert [s.qa_flags.get(lang, []) for s in segments] == [[], flags(brief, "s2", lang)]


def test_xliff12_model_output_without_a_verdict_still_needs_review(brief):
    for segment in brief.segments:
        segment.quality.clear()
    [(_, data)] = [f for f in export_brief(brief, "xliff12") if f[0] == ".ja.xliff12.xlf"]
    states = {t.get("state") for t in etree.fromstring(data).iter(f"{{{XLIFF12_NS}}}target")}
    assert states == {"needs-review-translation"}


def test_tmx_carries_review_props_and_reads_them_back(brief):
    [(_, data)] = export_brief(brief, "tmx")
    _, segments = read_tmx(data)
    assert [s.needs_review.get("ja", False) for s in segments] == [False, True]
    assert segments[1].qa_flags["ko"] == flags(brief, "s2", "ko")
