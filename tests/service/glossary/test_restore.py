"""restore: extra copies of a rendering are removed only where they stand alone; words that merely
contain the rendering (日本人, 일본어, 北朝鮮, 남북한, USB) are never touched, counted or adopted."""
from __future__ import annotations

import pytest

from service.glossary.restore import PlaceholderScheme, Protected, find_standalone, restore

SCHEME = PlaceholderScheme("ZX")


def mention(rendering: str, variants: tuple[str, ...] = (), position: float = 0.0) -> Protected:
    return Protected(1, "entity", "Name", rendering, variants, position)


def check(result, rendering: str, lang: str) -> None:
    """Exactly one standalone rendering, and it is the reported span."""
    (span,) = [(start, end) for _m, start, end in result.spans]
    assert find_standalone(result.text, rendering, lang) == [span]


@pytest.mark.parametrize(("lang", "rendering", "output", "expected"), [
    ("ja", "日本", "ZX1と日本人の当局者が会談した。", "日本と日本人の当局者が会談した。"),
    ("ja", "朝鮮", "北朝鮮とZX1の関係", "北朝鮮と朝鮮の関係"),
    ("ja", "ロシア", "ZX1はロシア語で話した。", "ロシアはロシア語で話した。"),
    ("ko", "일본", "ZX1과 일본인 관리들이 일본어로 말했다.", "일본과 일본인 관리들이 일본어로 말했다."),
    ("ko", "북한", "남북한 정상이 ZX1을 비판했다.", "남북한 정상이 북한을 비판했다."),
    ("ko", "미국", "ZX1은 미국산 쌀을 샀다.", "미국은 미국산 쌀을 샀다."),
    ("de", "US", "ZX1 verkauft USB-Sticks.", "US verkauft USB-Sticks."),
    ("zh", "美国", "ZX1和美国人", "美国和美国人"),
])
def test_longer_words_are_left_alone(lang: str, rendering: str, output: str, expected: str) -> None:
    result = restore(output, [mention(rendering)], SCHEME, lang)
    assert result.text == expected
    assert result.repairs == []
    check(result, rendering, lang)


@pytest.mark.parametrize(("lang", "rendering", "output", "expected"), [
    ("ja", "日本", "ZX1と日本人が会談した。日本", "日本と日本人が会談した。"),
    ("ja", "日本", "ZX1と日本人が会談した。 日本は", "日本と日本人が会談した。 は"),
    ("ko", "일본", "ZX1과 일본인 관리들이 회담했다 일본", "일본과 일본인 관리들이 회담했다"),
    ("ko", "일본", "ZX1 일본은 일본어로 말했다.", "일본은 일본어로 말했다."),
    ("ko", "북한", "남북한 정상과 ZX1, 북한", "남북한 정상과 북한,"),
    ("de", "US", "ZX1 verkauft USB-Sticks in die US", "US verkauft USB-Sticks in die"),
])
def test_standalone_extras_are_removed(lang: str, rendering: str, output: str, expected: str) -> None:
    result = restore(output, [mention(rendering)], SCHEME, lang)
    assert result.text == expected
    assert [r.code for r in result.repairs] == ["glossary-repair-duplicated"]
    check(result, rendering, lang)


@pytest.mark.parametrize(("lang", "rendering", "output", "compound"), [
    ("ja", "日本", "日本人の当局者が会談した。", "日本人"),
    ("ja", "朝鮮", "北朝鮮が発表した。", "北朝鮮"),
    ("ko", "일본", "일본인 관리들이 회담했다.", "일본인"),
    ("ko", "북한", "남북한 정상이 만났다.", "남북한"),
    ("de", "US", "USB-Sticks wurden verkauft.", "USB"),
])
def test_a_dropped_name_is_not_adopted_from_a_longer_word(lang: str, rendering: str, output: str,
                                                          compound: str) -> None:
    result = restore(output, [mention(rendering)], SCHEME, lang)
    assert compound in result.text
    assert [r.code for r in result.repairs] == ["glossary-repair-dropped"]
    check(result, rendering, lang)


@pytest.mark.parametrize(("lang", "rendering", "output", "expected"), [
    ("ja", "日本", "日本は発表した。", "日本は発表した。"),
    ("ko", "일본", "일본은 발표했다.", "일본은 발표했다."),
    ("ko", "일본", "일본의 발표", "일본의 발표"),
])
def test_a_dropped_name_is_adopted_with_its_particle(lang: str, rendering: str, output: str,
                                                     expected: str) -> None:
    result = restore(output, [mention(rendering)], SCHEME, lang)
    assert result.text == expected
    assert result.repairs == []
    check(result, rendering, lang)


def test_a_variant_inside_a_longer_word_is_not_replaced() -> None:
    result = restore("Japanese officials met.", [mention("日本", variants=("Japan",))], SCHEME, "ja")
    assert "Japanese" in result.text
    assert [r.code for r in result.repairs] == ["glossary-repair-dropped"]
    check(result, "日本", "ja")


@pytest.mark.parametrize("output", ["会談した", "当局者が会談", "北朝鮮"])
def test_an_inserted_kanji_name_never_fuses_into_a_kanji_word(output: str) -> None:
    result = restore(output, [mention("朝鮮", position=0.5)], SCHEME, "ja")
    assert [r.code for r in result.repairs] == ["glossary-repair-dropped"]
    check(result, "朝鮮", "ja")


@pytest.mark.parametrize(("lang", "output", "expected"), [
    ("ja", "ZX1ZX2は会談した。", "日本、ロシアは会談した。"),
    ("ja", "ZX2語ZX1", "ロシア 語 日本"),
    ("ko", "ZX1ZX2는 회담했다.", "일본 러시아는 회담했다."),
])
def test_names_run_together_by_the_model_are_set_apart(lang: str, output: str, expected: str) -> None:
    renderings = {"ja": ("日本", "ロシア"), "ko": ("일본", "러시아")}[lang]
    mentions = [Protected(i + 1, f"e{i}", f"Name{i}", r, (), i / 2) for i, r in enumerate(renderings)]
    result = restore(output, mentions, SCHEME, lang)
    assert result.text == expected
    for _m, start, end in result.spans:
        assert find_standalone(result.text, result.text[start:end], lang) != []


def test_a_name_with_no_place_of_its_own_goes_to_a_gap_and_never_splits_a_word() -> None:
    mentions = [Protected(1, "e", "Japan", "日本", (), 0.0), Protected(2, "e", "Japan", "日本", (), 0.3),
                Protected(3, "e", "Japan", "日本", (), 0.9)]
    result = restore("ZX2  ロシア語", mentions, SCHEME, "ja")
    assert "ロシア語" in result.text
    assert len(result.spans) == 3
    assert all(result.text[s:e] == "日本" for _m, s, e in result.spans)
