"""The text signals one by one: untranslated, script, degeneration, length ratio, confidence, glossary repairs."""
from __future__ import annotations

import pytest

from service.quality import confidence, degeneration, glossary, length, script, untranslated
from service.quality.target import Target
from service.settings import QualityOptions

OPTIONS = QualityOptions()
SOURCE = "The defence ministry said on Tuesday that the joint exercise would begin next week."
JA = "国防省は火曜日、合同演習が来週始まると発表した。"
KO = "국방부는 화요일 연합훈련이 다음 주 시작된다고 밝혔다."


def kinds(check, text: str, lang: str = "ja", source: str = SOURCE, **extra) -> list[str]:
    return [f.flag.kind for f in check(Target(source, text, lang, **extra), OPTIONS)]


@pytest.mark.parametrize(("text", "lang"), [
    (JA, "ja"), (KO, "ko"),
    ("NATOの国防相らはGDPの2%を目標とした。", "ja"),  # acronyms stay
    ("新型iPhoneはUSB-C端子を採用した。", "ja"),  # inner capitals
    ("최대 4800km 떨어진 목표물을 추적할 수 있다.", "ko"),  # units
])
def test_clean_translations_raise_nothing(text, lang):
    for check in (untranslated.check, script.check, degeneration.check, length.check):
        assert kinds(check, text, lang) == [], check.__module__


@pytest.mark.parametrize(("text", "expected"), [
    ("国防省は火曜日、合同演習が next week begins と発表した。", ["untranslated"]),
    ("国防省は火曜日、the joint exercise would begin next week.", ["untranslated"]),
    ("国防省は火曜日、合同演習がweekに始まると発表した。", ["untranslated"]),
])
def test_english_left_in_the_translation_is_flagged(text, expected):
    assert kinds(untranslated.check, text) == expected


def test_protected_names_and_names_of_the_english_may_stay_latin():
    source = "Clara Weiss met officials of Acme Robotics in Tokyo."
    text = "Clara Weiss氏は東京でAcme Robotics社の幹部と会った。"
    assert kinds(untranslated.check, text, source=source) == []
    assert kinds(untranslated.check, "Weiss氏は東京でfooと会った。", source=source,
                 protected=("foo",)) == []


def test_one_run_of_english_words_is_one_flag_with_its_span():
    text = "国防省は火曜日、the joint exercise would begin next week."
    [finding] = untranslated.check(Target(SOURCE, text, "ja"), OPTIONS)
    span = finding.flag.span
    assert text[span.start:span.end] == "the joint exercise would begin next week"
    assert finding.severity == 1.0


@pytest.mark.parametrize(("text", "lang"), [(KO, "ja"), (JA, "ko"), ("Министерство обороны заявило", "ko"),
                                            ("國防部星期二表示聯合演習將於下週開始這是中文", "ja")])
def test_wrong_script_is_flagged(text, lang):
    assert kinds(script.check, text, lang) == ["wrong-script"]


@pytest.mark.parametrize(("text", "expected"), [
    ("国防省はセセセセセセと発表した。", ["repetition"]),
    ("国防省は演習演習演習演習と発表した。", ["repetition"]),
    ("국방부는 추가 추가 추가 추가 밝혔다.", ["repetition"]),
    ("国防省は火曜日、合同演習が", ["truncation"]),
    ("", ["truncation"]),
    ("国防省は1000000人と発表した。", []),  # digits are no loop
    ("国防省はますます強く発表した。", []),  # a doubled word is Japanese, not a loop
])
def test_degeneration(text, expected):
    lang = "ko" if any("\uac00" <= ch <= "\ud7a3" for ch in text) else "ja"
    assert kinds(degeneration.check, text, lang) == expected


def test_truncation_counts_fully_when_the_translation_is_also_short():
    [cut] = degeneration.check(Target(SOURCE, "国防省は火曜日", "ja"), OPTIONS)
    [unended] = degeneration.check(Target(SOURCE, JA.rstrip("。"), "ja"), OPTIONS)
    assert cut.severity == 1.0
    assert unended.severity < 1.0


@pytest.mark.parametrize(("text", "flagged"), [(JA, False), ("国防省。", True), (JA * 3, True)])
def test_length_ratio(text, flagged):
    assert kinds(length.check, text) == (["length-ratio"] if flagged else [])


def test_length_ratio_ignores_short_sources():
    assert kinds(length.check, "はい。", source="Yes.") == []


@pytest.mark.parametrize(("score", "severity"), [(None, None), (-0.3, None), (-1.0, None), (-1.5, 0.5),
                                                  (-2.0, 1.0), (-9.0, 1.0)])
def test_confidence_ramps_between_ok_and_low(score, severity):
    found = confidence.check(Target(SOURCE, JA, "ja", confidence=score), OPTIONS)
    assert [f.severity for f in found] == ([] if severity is None else [severity])


@pytest.mark.parametrize(("repairs", "severity"), [(0, None), (1, 1 / 3), (3, 1.0), (7, 1.0)])
def test_glossary_repairs(repairs, severity):
    found = glossary.check(Target(SOURCE, JA, "ja", repairs=repairs), OPTIONS)
    assert [f.severity for f in found] == ([] if severity is None else [pytest.approx(severity)])
