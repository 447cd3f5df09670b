"""The numbers and dates check: accepted forms pass, changed, dropped, added numbers and wrong dates are flagged."""
from __future__ import annotations

import pytest

from service.quality.cjk import kanji_value, target_quantities
from service.quality.english import english_quantities
from service.quality.numbers import DATE_MISMATCH, NUMBER_ADDED, NUMBER_MISSING, check
from service.quality.target import Target
from service.settings import QualityOptions


def kinds(source: str, text: str, lang: str) -> list[str]:
    return [f.flag.kind for f in check(Target(source, text, lang), QualityOptions())]


# English, translation, language: correct translations in the forms README.md lists.
ACCEPTED = [
    ("About 50,000 troops took part.", "兵士約5万人が参加した。", "ja"),
    ("About 50,000 troops took part.", "병력 약 5만 명이 참가했다.", "ko"),
    ("The city has 124.3 million people.", "人口は1億2430万人だ。", "ja"),
    ("Exports reached $1.5 billion.", "輸出は15億ドルに達した。", "ja"),
    ("Exports reached $1.5 billion.", "수출은 15억 달러에 달했다.", "ko"),
    ("The deficit was ¥3.9 trillion.", "赤字は3兆9000億円だった。", "ja"),
    ("The deficit was ¥1.2 trillion.", "적자는 1조 2000억 엔이었다.", "ko"),
    ("The deficit was ¥1.2 trillion.", "적자는 1조2000억 엔이었다.", "ko"),
    ("Wages rise to 10,450 won.", "賃金は1万450ウォンになる。", "ja"),
    ("It costs 3,000 yen.", "価格は約3,000円だ。", "ja"),
    ("It costs 3,000 yen.", "価格は３０００円だ。", "ja"),  # full-width digits
    ("The drills run from August 18 to 28.", "演習は8月18日から28日まで行われる。", "ja"),
    ("They meet on April 14-15.", "4月14、15両日に会合する。", "ja"),
    ("They meet on April 14-15.", "4월 14~15일 회의한다.", "ko"),
    ("The talks end at 10:30 a.m.", "協議は午前10時30分に終わる。", "ja"),
    ("The flight left at 12:20 a.m.", "便は午前0時20分に出発した。", "ja"),
    ("Trading closed at 3 p.m.", "取引は午後3時に終わった。", "ja"),
    ("Trading closed at 3 p.m.", "取引は15時に終わった。", "ja"),
    ("The plan runs to the 1990s.", "計画は1990年代に遡る。", "ja"),
    ("Three soldiers were killed.", "병사 세 명이 숨졌다.", "ko"),
    ("Three soldiers were killed.", "兵士三人が死亡した。", "ja"),
    ("The talks lasted two days.", "협상은 이틀간 이어졌다.", "ko"),
    ("The two leaders met.", "両首脳が会談した。", "ja"),
    ("Prices nearly doubled.", "価格はほぼ倍増した。", "ja"),
    ("Prices nearly doubled.", "가격은 거의 두 배가 됐다.", "ko"),
    ("The army will cut one-third of its staff.", "陸軍は人員の3分の1を削減する。", "ja"),
    ("The army will cut one-third of its staff.", "육군은 인력의 3분의 1을 줄인다.", "ko"),
    ("The bank will cut its workforce by about a tenth.", "同銀行は従業員を約1割削減する。", "ja"),
    ("He ran 100 metres in 9.83 seconds.", "100メートルを9秒83で走った。", "ja"),
    ("The index closed at 38,450.12.", "指数は3万8450円12銭で終えた。", "ja"),
    ("The plant produces 1.4 GW.", "発電所の出力は140万キロワットだ。", "ja"),
    ("It was the largest in two decades.", "過去20年で最大だった。", "ja"),
    ("It rose 11.5% in March.", "3月に11.5%上昇した。", "ja"),
    ("The rate fell 0.25 percentage point.", "금리는 0.25%포인트 내렸다.", "ko"),
    ("The G7 ministers met.", "G7外相が会合した。", "ja"),
    ("Cash handouts of 250,000 won per person.", "1人当たり25万ウォンの現金給付。", "ja"),  # "per": 1人
    ("It was the second aircraft carrier.", "2隻目の空母だった。", "ja"),
    ("It was the second aircraft carrier.", "두 번째 항공모함이었다.", "ko"),
    ("It is part of a general plan.", "これは一般的な計画の一環だ。", "ja"),  # 一 in words is no number
    ("The quake hit on January 1.", "地震は1月1日に起きた。", "ja"),
    ("Growth was -0.4%.", "成長率はマイナス0.4%だった。", "ja"),
    ("It was -15°C.", "気温は氷点下15度だった。", "ja"),
]


@pytest.mark.parametrize(("source", "text", "lang"), ACCEPTED)
def test_accepted_forms_pass(source, text, lang):
    assert kinds(source, text, lang) == []


# English, translation, language, the flag kinds expected.
ERRORS = [
    ("About 50,000 troops took part.", "兵士約5000人が参加した。", "ja", [NUMBER_MISSING, NUMBER_ADDED]),
    ("About 50,000 troops took part.", "兵士が参加した。", "ja", [NUMBER_MISSING]),
    ("Troops took part.", "兵士3500人が参加した。", "ja", [NUMBER_ADDED]),
    ("Exports reached $1.5 billion.", "輸出は15万ドルに達した。", "ja", [NUMBER_MISSING, NUMBER_ADDED]),
    ("The summit opens on July 28.", "首脳会議は7月18日に開幕する。", "ja", [DATE_MISMATCH, DATE_MISMATCH]),
    ("The summit opens on July 28.", "정상회의는 6월 28일 개막한다.", "ko", [DATE_MISMATCH, DATE_MISMATCH]),
    # July must be a month: the 7 of 7人 does not stand for it.
    ("On July 3, 7 people were hurt.", "3日、7人が負傷した。", "ja", [DATE_MISMATCH]),
    ("Three soldiers were killed.", "병사 네 명이 숨졌다.", "ko", [NUMBER_MISSING]),
    ("It was the third title.", "2度目の優勝だった。", "ja", [NUMBER_MISSING, NUMBER_ADDED]),
    ("The army will cut one-third of its staff.", "陸軍は人員の6分の1を削減する。", "ja",
     [NUMBER_MISSING, NUMBER_ADDED]),
    ("Trading closed at 3 p.m.", "取引は午後4時に終わった。", "ja", [DATE_MISMATCH, DATE_MISMATCH]),
]


@pytest.mark.parametrize(("source", "text", "lang", "expected"), ERRORS)
def test_errors_are_flagged(source, text, lang, expected):
    assert sorted(kinds(source, text, lang)) == sorted(expected)


def test_flags_point_at_the_number():
    source, text = "About 50,000 troops took part.", "兵士約5000人が参加した。"
    findings = check(Target(source, text, "ja"), QualityOptions())
    spans = {f.flag.kind: f.flag.span for f in findings}
    missing, added = spans[NUMBER_MISSING], spans[NUMBER_ADDED]
    assert (missing.lang, source[missing.start:missing.end]) == ("en", "50,000")
    assert (added.lang, text[added.start:added.end]) == ("ja", "5000")


def test_spans_of_full_width_digits_are_in_the_original_text():
    text = "兵士５０００人"
    [quantity] = [q for q in target_quantities(text) if q.hard]
    assert text[quantity.start:quantity.end] == "５０００"
    assert quantity.values == (5000.0,)


@pytest.mark.parametrize(("token", "value"), [("三", 3), ("二十", 20), ("三百五十", 350), ("五千万", 5e7), ("十", 10),
                                              ("一二", None)])
def test_kanji_numerals(token, value):
    assert kanji_value(token) == (None if value is None else float(value))


def test_codes_are_soft_and_not_read_as_numbers():
    found = english_quantities("COVID-19 cases rose in 5G areas, G7 leaders said.")
    assert all(not q.hard for q in found)


@pytest.mark.parametrize("lang", ["en", "zh", "fr"])
def test_other_languages_are_not_judged(lang):
    assert kinds("About 50,000 troops.", "Environ 5 000 soldats.", lang) == []
