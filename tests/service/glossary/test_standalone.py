"""find_standalone: a rendering counts as a mention only where it is a word of its own."""
from __future__ import annotations

import pytest

from service.glossary.standalone import find_standalone, is_standalone


@pytest.mark.parametrize(("lang", "text", "rendering", "expected"), [
    # Japanese: a kanji or katakana continuation makes a compound; particles and punctuation do not.
    ("ja", "日本と日本人の当局者が会談した。", "日本", [(0, 2)]),
    ("ja", "日本人の当局者", "日本", []),
    ("ja", "日本は", "日本", [(0, 2)]),
    ("ja", "日本が日本を日本の日本に日本で日本も日本へ日本から日本まで", "日本",
     [(0, 2), (3, 5), (6, 8), (9, 11), (12, 14), (15, 17), (18, 20), (21, 23), (25, 27)]),
    ("ja", "日本、日本。日本 日本", "日本", [(0, 2), (3, 5), (6, 8), (9, 11)]),
    ("ja", "北朝鮮と朝鮮", "朝鮮", [(4, 6)]),
    ("ja", "北朝鮮", "朝鮮", []),
    ("ja", "ロシア語を話すロシア人", "ロシア", []),
    ("ja", "ロシアは", "ロシア", [(0, 3)]),
    ("ja", "アメリカンとアメリカ", "アメリカ", [(6, 10)]),
    ("ja", "ラテンアメリカ", "アメリカ", []),
    ("ja", "ロシア・ウクライナ", "ロシア", [(0, 3)]),
    ("ja", "対ロシア制裁", "ロシア", []),
    ("ja", "対ロシアの制裁", "ロシア", [(1, 4)]),
    # Korean: a particle may follow; other Hangul on either side makes a different word.
    ("ko", "일본인", "일본", []),
    ("ko", "일본어", "일본", []),
    ("ko", "미국산", "미국", []),
    ("ko", "일본은", "일본", [(0, 2)]),
    ("ko", "일본의", "일본", [(0, 2)]),
    ("ko", "일본이 일본과 일본에서 일본으로 일본까지", "일본", [(0, 2), (4, 6), (8, 10), (13, 15), (18, 20)]),
    ("ko", "일본, 일본.", "일본", [(0, 2), (4, 6)]),
    ("ko", "남북한", "북한", []),
    ("ko", "남북한 정상과 북한은", "북한", [(8, 10)]),
    ("ko", "(북한)", "북한", [(1, 3)]),
    ("ko", "러시아로", "러시아", [(0, 3)]),
    # Latin and digit edges sit on word boundaries, whatever the language.
    ("en", "USB and US", "US", [(8, 10)]),
    ("ja", "USBとUSは", "US", [(4, 6)]),
    ("ko", "USB와 US는", "US", [(5, 7)]),
    ("en", "G7s and G7, G70", "G7", [(8, 10)]),
    ("en", "ÉtatsUS US", "US", [(8, 10)]),
    # Chinese: hanzi on either side is a compound, except a few function words.
    ("zh", "美国人", "美国", []),
    ("zh", "美国和美国的", "美国", [(0, 2), (3, 5)]),
    ("zh", "在美国", "美国", [(1, 3)]),
    ("zh", "北朝鲜", "朝鲜", []),
    ("zh", "美国，美国", "美国", [(0, 2), (3, 5)]),
])
def test_find_standalone(lang: str, text: str, rendering: str, expected: list[tuple[int, int]]) -> None:
    assert find_standalone(text, rendering, lang) == expected
    for start, end in expected:
        assert text[start:end] == rendering


@pytest.mark.parametrize(("ignore_case", "expected"), [(False, [(10, 12)]), (True, [(0, 2), (10, 12)])])
def test_find_standalone_ignore_case(ignore_case: bool, expected: list[tuple[int, int]]) -> None:
    assert find_standalone("us or USB US", "US", "en", ignore_case=ignore_case) == expected


def test_a_kanji_run_of_two_copies_is_one_compound() -> None:
    # Conservative on purpose: left alone, a doubled name is untidy; cut wrongly, a word is lost.
    assert find_standalone("日本日本は", "日本", "ja") == []


def test_a_rejected_candidate_does_not_hide_the_next_one() -> None:
    assert find_standalone("USUS US", "US", "en") == [(5, 7)]
    assert find_standalone("북북한 북한", "북한", "ko") == [(4, 6)]


def test_empty_rendering_is_rejected() -> None:
    with pytest.raises(ValueError, match="rendering must not be empty"):
        find_standalone("text", "", "ja")


def test_non_string_text_is_rejected() -> None:
    with pytest.raises(TypeError):
        find_standalone(None, "日本", "ja")  # type: ignore[arg-type]


def test_span_outside_text_is_rejected() -> None:
    with pytest.raises(ValueError, match="span 1:5 is not inside a text of length 2"):
        is_standalone("日本", 1, 5, "ja")
