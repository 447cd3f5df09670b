"""The verdict: weights, the threshold, model-only signals, and properties over any text."""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.quality.target import Target
from service.quality.verdict import FLAG_KINDS, MAX_FLAGS_PER_SIGNAL, SIGNALS, assess
from service.settings import QualityOptions, QualityWeights, load_settings

SOURCE = "About 50,000 troops took part in the drills on July 28."
GOOD = "7月28日の演習には兵士約5万人が参加した。"
LOOPED = "7月28日の演習には兵士約5万人がセセセセセセ参加した。"


def test_a_clean_translation_scores_one():
    verdict = assess(Target(SOURCE, GOOD, "ja", confidence=-0.4), QualityOptions())
    assert (verdict.score, verdict.needs_review, verdict.flags) == (1.0, False, [])
    assert verdict.confidence == -0.4


def test_one_full_finding_of_a_weight_one_signal_needs_review():
    verdict = assess(Target(SOURCE, "7月28日の演習には兵士約5千人が参加した。", "ja"), QualityOptions())
    assert verdict.score == 0.0
    assert verdict.needs_review
    assert {f.kind for f in verdict.flags} == {"number-missing", "number-added"}


def test_weights_and_threshold_come_from_the_settings():
    options = QualityOptions(weights=QualityWeights(numbers=0.3))
    verdict = assess(Target(SOURCE, "7月28日の演習には兵士約5千人が参加した。", "ja"), options)
    assert verdict.score == 0.7
    assert not verdict.needs_review
    assert verdict.flags, "a flag stays visible even when it does not decide the verdict"
    assert assess(Target(SOURCE, "7月28日の演習には兵士約5千人が参加した。", "ja"),
                  dataclasses.replace(options, threshold=0.8)).needs_review


def test_weight_zero_turns_a_signal_off_for_the_score():
    options = QualityOptions(weights=QualityWeights(degeneration=0.0))
    assert assess(Target(SOURCE, LOOPED, "ja"), options).score == 1.0


@pytest.mark.parametrize(("by_model", "expected"), [(True, {"repetition", "low-confidence", "glossary-repairs"}),
                                                    (False, set())])
def test_model_only_signals_do_not_judge_human_text(by_model, expected):
    target = Target(SOURCE, LOOPED, "ja", by_model=by_model, confidence=-3.0, repairs=2)
    assert {f.kind for f in assess(target, QualityOptions()).flags} == expected


def test_human_text_is_still_checked_for_numbers_untranslated_and_script():
    target = Target(SOURCE, "7月18日の演習には troops 約5万人が参加した。", "ja", by_model=False)
    assert {f.kind for f in assess(target, QualityOptions()).flags} == {"date-mismatch", "untranslated"}
    korean = Target(SOURCE, "7월 28일 훈련에는 병력 약 5만 명이 참가했다.", "ja", by_model=False)
    assert {f.kind for f in assess(korean, QualityOptions()).flags} == {"wrong-script"}


def test_a_long_segment_lists_ten_flags_per_signal_and_counts_the_rest():
    source = " ".join(f"{n * 7 + 100} troops moved." for n in range(25))
    verdict = assess(Target(source, "部隊が移動した。" * 25, "ja"), QualityOptions())
    numbers = [f for f in verdict.flags if f.kind == "number-missing"]
    assert len(numbers) == MAX_FLAGS_PER_SIGNAL + 1
    assert numbers[-1].detail == "and 15 more finding(s) of the numbers signal, not listed"


def test_every_signal_has_a_weight_and_kinds():
    weights = dataclasses.asdict(QualityWeights())
    assert sorted(s.name for s in SIGNALS) == sorted(weights)
    assert len(FLAG_KINDS) == len(set(FLAG_KINDS))


@pytest.mark.parametrize(("environ", "message"), [
    ({"BRIEFS_QUALITY_THRESHOLD": "1.5"}, "quality.threshold"),
    ({"BRIEFS_QUALITY_THRESHOLD": "-0.1"}, "quality.threshold"),
    ({"BRIEFS_QUALITY_CONFIDENCE_LOW": "0"}, "confidence_low"),
])
def test_bad_quality_settings_are_refused(environ, message):
    with pytest.raises(ValueError, match=message):
        load_settings(environ=environ)


def test_threshold_from_the_environment():
    assert load_settings(environ={"BRIEFS_QUALITY_THRESHOLD": "0.8"}).quality.threshold == 0.8


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=120)


@settings(max_examples=300, deadline=None)
@given(source=TEXT, text=TEXT, lang=st.sampled_from(["ja", "ko", "zh"]),
       score=st.one_of(st.none(), st.floats(-50, 0)), by_model=st.booleans())
def test_any_text_gives_a_score_in_range_and_spans_inside_their_text(source, text, lang, score, by_model):
    verdict = assess(Target(source, text, lang, by_model=by_model, confidence=score), QualityOptions())
    assert 0.0 <= verdict.score <= 1.0
    assert verdict.needs_review == (verdict.score < QualityOptions().threshold)
    for flag in verdict.flags:
        assert flag.kind in FLAG_KINDS
        if flag.span is not None:
            within = source if flag.span.lang == "en" else text
            assert 0 <= flag.span.start <= flag.span.end <= len(within)
