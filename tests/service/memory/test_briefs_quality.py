"""A reviewer's edit is judged again by the checks for human text, and the brief's review count follows."""
from __future__ import annotations

import pytest

from service.brief import AlignedSegment, Brief, BriefMeta, BriefWarning
from service.memory.store import MemoryStore
from service.quality.review import assess_brief
from service.settings import QualityOptions

SOURCE = "About 50,000 troops took part in the drills on July 28."
LOOPED = "7月28日の演習には兵士約5万人がセセセセセセ参加した。"


def make_brief() -> Brief:
    brief = Brief(segments=[AlignedSegment("s1", 0, SOURCE, {"ja": "演習に兵士が参加した。"}, {"ja": "model"}),
                            AlignedSegment("s2", 1, SOURCE, {"ja": LOOPED}, {"ja": "model"})],
                  entities=[], meta=BriefMeta(target_langs=["ja"]))
    assess_brief(brief, QualityOptions(), {("s1", "ja"): -0.3, ("s2", "ja"): -0.4})
    return brief


@pytest.fixture
def store(tmp_path):
    s = MemoryStore(tmp_path / "briefs.sqlite3")
    yield s
    s.close()


def test_stored_quality_reads_back_unchanged(store):
    brief = make_brief()
    bid = store.briefs.save(brief)
    assert store.briefs.get(bid).brief == brief
    assert brief.meta.quality.needs_review == 2


def test_an_edit_is_judged_again_and_the_count_follows(store):
    bid = store.briefs.save(make_brief())
    fixed = store.briefs.edit(bid, "s1", "ja", "7月28日の演習には兵士約5万人が参加した。")
    first = fixed.brief.segments[0].quality["ja"]
    assert (first.score, first.needs_review, first.flags, first.confidence) == (1.0, False, [], None)
    assert fixed.brief.meta.quality.needs_review == 1
    wrong = store.briefs.edit(bid, "s1", "ja", "7月18日の演習には兵士約5万人が参加した。")
    assert wrong.brief.segments[0].quality["ja"].needs_review
    assert {f.kind for f in wrong.brief.segments[0].quality["ja"].flags} == {"date-mismatch"}
    assert wrong.brief.meta.quality.needs_review == 2


def test_engine_signals_do_not_judge_a_reviewers_text(store):
    bid = store.briefs.save(make_brief())
    edited = store.briefs.edit(bid, "s2", "ja", LOOPED)  # the reviewer keeps the text as it is
    assert edited.brief.segments[1].quality["ja"].flags == []
    assert edited.brief.meta.quality.needs_review == 1


def test_a_brief_stored_before_quality_signals_is_judged_whole_on_its_first_edit(store):
    old = Brief(segments=[AlignedSegment("s1", 0, SOURCE, {"ja": "古い訳。"}, {"ja": "model"}),
                          AlignedSegment("s2", 1, SOURCE, {"ja": LOOPED}, {"ja": "model"})],
                entities=[], meta=BriefMeta(target_langs=["ja"]))
    bid = store.briefs.save(old)
    edited = store.briefs.edit(bid, "s1", "ja", "7月28日の演習には兵士約5万人が参加した。")
    assert set(edited.brief.segments[1].quality) == {"ja"}
    assert edited.brief.meta.quality.needs_review == 1


def test_quality_off_drops_the_replaced_texts_verdict(store):
    bid = store.briefs.save(make_brief())
    edited = store.briefs.edit(bid, "s1", "ja", "直した訳。", quality=QualityOptions(enabled=False))
    assert "ja" not in edited.brief.segments[0].quality
    assert edited.brief.meta.quality.needs_review == 1


def test_glossary_repairs_count_for_engine_text_only():
    brief = Brief(segments=[AlignedSegment("s1", 0, SOURCE, {"ja": "7月28日の演習には兵士約5万人が参加した。"},
                                           {"ja": "model"})], entities=[],
                  meta=BriefMeta(target_langs=["ja"], warnings=[
                      BriefWarning("glossary-repair-dropped", "restored", "s1", "ja"),
                      BriefWarning("glossary-repair-mangled", "restored", "s1", "ja"),
                      BriefWarning("glossary-repair-dropped", "restored", "s1", "ko")]))
    assess_brief(brief, QualityOptions())
    [flag] = brief.segments[0].quality["ja"].flags
    assert (flag.kind, "2 name(s)" in flag.detail) == ("glossary-repairs", True)
