"""The quality stage: every final translation judged, engine signals only for engine text, the brief's count,
the tiny models' output flagged."""
from __future__ import annotations

import pytest

from service.memory.files import MemoryUnit
from service.pipeline import BriefRequest, build_brief, build_briefs, translate_segments
from service.runtime.resources import Resources
from tests.fakes import DictTranslator, FakeModelManager, ScoringTranslator
from tests.helpers import make_settings

SENTENCES = ["About 50,000 troops took part in the drills on July 28.", "The ministry said the drills went well."]
GOOD = {(SENTENCES[0], "ja"): "7月28日の演習には兵士約5万人が参加した。",
        (SENTENCES[1], "ja"): "国防省は、演習は順調だったと述べた。",
        (SENTENCES[0], "ko"): "7월 28일 훈련에는 병력 약 5만 명이 참가했다.",
        (SENTENCES[1], "ko"): "국방부는 훈련이 순조로웠다고 밝혔다."}


def resources(tmp_path, translator, **overrides) -> Resources:
    settings = make_settings(tmp_path, **overrides)
    return Resources(settings, models=FakeModelManager(settings, translator=translator))


def test_good_translations_pass_and_the_brief_counts_none(tmp_path):
    brief = translate_segments(SENTENCES, BriefRequest(target_langs=("ja", "ko")),
                               resources(tmp_path, DictTranslator(GOOD)))
    for segment in brief.segments:
        assert set(segment.quality) == {"ja", "ko"}
        assert all(q.score == 1.0 and not q.needs_review and not q.flags for q in segment.quality.values())
    assert brief.meta.quality is not None
    assert (brief.meta.quality.needs_review, brief.meta.quality.by_lang) == (0, {"ja": 0, "ko": 0})
    assert brief.to_dict()["segments"][0]["quality"]["ja"] == {"score": 1.0, "needs_review": False, "flags": [],
                                                               "confidence": None}


def test_a_changed_number_is_flagged_in_its_language_only(tmp_path):
    table = {**GOOD, (SENTENCES[0], "ko"): "7월 28일 훈련에는 병력 약 5천 명이 참가했다."}
    brief = translate_segments(SENTENCES, BriefRequest(target_langs=("ja", "ko")),
                               resources(tmp_path, DictTranslator(table)))
    first = brief.segments[0].quality
    assert not first["ja"].needs_review
    assert first["ko"].needs_review
    assert {f.kind for f in first["ko"].flags} == {"number-missing", "number-added"}
    assert (brief.meta.quality.needs_review, brief.meta.quality.by_lang) == (1, {"ja": 0, "ko": 1})


def test_english_left_untranslated_needs_review(tmp_path):
    brief = build_brief(" ".join(SENTENCES), BriefRequest(target_langs=("ja",), sentences=2),
                        resources(tmp_path, ScoringTranslator()))
    assert all(s.quality["ja"].needs_review for s in brief.segments)
    assert all("untranslated" in {f.kind for f in s.quality["ja"].flags} for s in brief.segments)
    assert [s.quality["ja"].confidence for s in brief.segments] == [-len(s.en) / 100 for s in brief.segments]
    assert brief.meta.quality.needs_review == 2


def test_each_brief_of_one_call_counts_its_own_segments(tmp_path):
    table = {**GOOD, (SENTENCES[1], "ja"): "国防省は、演習は順調"}  # cut short
    briefs = build_briefs([SENTENCES[0], SENTENCES[1]], BriefRequest(target_langs=("ja",), sentences=1),
                          resources(tmp_path, DictTranslator(table)))
    assert [b.meta.quality.needs_review for b in briefs] == [0, 1]
    assert {f.kind for f in briefs[1].segments[0].quality["ja"].flags} >= {"truncation"}


def test_memory_text_is_judged_as_human_text(tmp_path):
    res = resources(tmp_path, DictTranslator(GOOD))
    looped = "7月28日の演習には兵士約5万人がセセセセセセ参加した"  # a loop and no 。, but numbers right
    wrong = "국방부는 훈련이 3건 순조로웠다고 밝혔다."
    res.memories.add_units("desk", [MemoryUnit("en", "ja", SENTENCES[0], looped),
                                    MemoryUnit("en", "ko", SENTENCES[1], wrong)])
    brief = translate_segments(SENTENCES, BriefRequest(target_langs=("ja", "ko")), res)
    assert brief.segments[0].provenance["ja"] == "tm-exact"
    assert brief.segments[0].quality["ja"].flags == []  # repetition and truncation are engine failures
    assert {f.kind for f in brief.segments[1].quality["ko"].flags} == {"number-added"}


def test_quality_off_leaves_no_verdict(tmp_path):
    res = resources(tmp_path, DictTranslator(GOOD), quality={"enabled": False})
    brief = translate_segments(SENTENCES, BriefRequest(target_langs=("ja",)), res)
    assert all(s.quality == {} for s in brief.segments)
    assert brief.meta.quality is None


@pytest.mark.slow
def test_tiny_models_output_needs_review_for_engine_failures(tiny_settings):
    """The random-weight models' gibberish trips the engine signals (degeneration, length, confidence)."""
    article = " ".join(["Officials said on Monday that the new port would open next year.",
                        "The ministry expects trade through the port to grow quickly.",
                        "Local leaders welcomed the plan and promised support."])
    brief = build_brief(article, BriefRequest(target_langs=("ja", "ko"), sentences=3), Resources(tiny_settings))
    engine_kinds = {"repetition", "truncation", "length-ratio", "low-confidence", "wrong-script"}
    for segment in brief.segments:
        for lang, quality in segment.quality.items():
            assert quality.needs_review, (segment.id, lang, segment.translations[lang])
            assert {f.kind for f in quality.flags} & engine_kinds, quality.flags
            assert quality.confidence is not None
            assert quality.confidence < 0
    assert brief.meta.quality.needs_review == len(brief.segments)


def test_the_quality_stage_never_refuses_finished_work_at_the_deadline(tmp_path, monkeypatch):
    import service.pipeline.run as run

    checked: list[str] = []

    def deadline_passed_after_align(before: str) -> None:
        checked.append(before)
        if before == "quality":
            raise AssertionError("the quality stage must not check the deadline")

    monkeypatch.setattr(run, "check_deadline", deadline_passed_after_align)
    brief = translate_segments(SENTENCES, BriefRequest(target_langs=("ja",)), resources(tmp_path, DictTranslator(GOOD)))
    # The stages check before they start (the loops inside them check too: glossary and memory matching).
    assert [c for c in checked if c in ("translate", "align", "quality")] == ["translate", "align"]
    assert brief.meta.quality is not None
