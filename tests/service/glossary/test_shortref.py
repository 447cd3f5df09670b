"""Short references: a later family name is the person named in full, rendered with the short rendering."""
from __future__ import annotations

from typing import ClassVar

import pytest

from service.glossary.enforce import GlossaryTranslator
from service.glossary.model import ActiveGlossary, Glossary, GlossaryEntry
from service.glossary.shortref import FIRST, LAST, derive_short, reference_words
from service.glossary.store_schema import load_default_entries
from tests.fakes import TaggingTranslator


class NameTranslator(TaggingTranslator):
    """Renders the names it is asked alone from a table (the learned names' isolated translation)."""

    NAMES: ClassVar[dict[tuple[str, str], str]] = {
        ("Miriam Castellanos-Reed", "ja"): "ミリアム・カステラノス＝リード",
        ("Miriam Castellanos-Reed", "ko"): "미리엄 카스텔라노스리드",
        ("Namgung Seok-jin", "ja"): "南宮碩鎮", ("Namgung Seok-jin", "ko"): "남궁석진",
        ("Hwangbo Seon-a", "ko"): "황보선아", ("Hwangbo Seon-a", "ja"): "ファンボ・ソナ",
        ("Takeshi Ohara", "ja"): "大原健", ("Takeshi Ohara", "ko"): "오하라 다케시",
    }

    def translate_batch(self, texts, source_lang, target_lang):
        return [self.NAMES.get((t, target_lang)) or out for t, out in
                zip(texts, super().translate_batch(texts, source_lang, target_lang), strict=True)]


def default() -> ActiveGlossary:
    return ActiveGlossary((Glossary("default", tuple(load_default_entries()), id="d"),))


def run(segments: list[str], active: ActiveGlossary | None = None, langs=("ja", "ko"), context=None):
    translator = GlossaryTranslator(NameTranslator(), active or ActiveGlossary())
    return translator.translate_segments(segments, "en", list(langs), [f"s{i}" for i in range(1, len(segments) + 1)],
                                         context=context)


def by_source(outcome):
    return {e.source: e for e in outcome.entities}


def test_a_glossary_person_named_again_by_family_name_gets_the_short_rendering() -> None:
    outcome = run(["Foreign Minister Park Jin met reporters.", "Foreign Minister Park said talks would go on."],
                  default())
    park = by_source(outcome)["Park Jin"]
    assert [m.segment for m in park.mentions if m.lang == "en"] == ["s1", "s2"]  # not a new name "Park"
    assert park.short_renderings == {"ja": "朴", "ko": "박"}
    assert outcome.translations["ko"][1] == "<ko> Foreign Minister 박 said talks would go on."
    assert "Park" not in by_source(outcome)


@pytest.mark.parametrize(("full", "short", "ja", "ko"), [
    ("Prime Minister Kishida Fumio", "Mr. Kishida", "岸田", "기시다"),      # family-first order in the text
    ("President Yoon Suk Yeol", "President Yoon", "尹", "윤"),
    ("Secretary Antony Blinken", "Secretary Blinken", "ブリンケン", "블링컨"),
    ("Chief Cabinet Secretary Yoshimasa Hayashi", "Hayashi", "林", "하야시"),
])
def test_family_names_in_either_order(full: str, short: str, ja: str, ko: str) -> None:
    outcome = run([f"{full} arrived on Monday.", f"{short} spoke first."], default())
    (person,) = [e for e in outcome.entities if e.type == "person"]
    assert {m.segment for m in person.mentions if m.lang == "en"} == {"s1", "s2"}
    assert outcome.translations["ja"][1].count(ja) == 1
    assert outcome.translations["ko"][1].count(ko) == 1


def test_the_owner_may_be_named_only_in_the_article_context() -> None:
    """The summary keeps "Park said ..."; the article around it introduced "Park Jin"."""
    context = ["Foreign Minister Park Jin arrived in Jakarta.", "Park said the talks went well."]
    outcome = run(["Park said the talks went well."], default(), context=context)
    assert by_source(outcome)["Park Jin"].short_renderings["ko"] == "박"


def test_learned_persons_get_a_short_rendering_derived_where_it_is_certain() -> None:
    outcome = run(["Spokesperson Miriam Castellanos-Reed read the statement.",
                   "Castellanos-Reed took no questions."])
    person = by_source(outcome)["Miriam Castellanos-Reed"]
    assert person.type == "person"
    assert person.short_renderings == {"ja": "カステラノス＝リード", "ko": "카스텔라노스리드"}
    assert "Castellanos-Reed" not in by_source(outcome)


@pytest.mark.parametrize(("name", "later", "ko", "ja"), [
    ("Namgung Seok-jin", "Namgung", "남궁", "南宮碩鎮"),   # two-syllable family name; kanji is never cut
    ("Hwangbo Seon-a", "Hwangbo", "황보", "ファンボ"),       # katakana of a family-first name: before the "・"
])
def test_korean_two_syllable_family_names(name: str, later: str, ko: str, ja: str) -> None:
    outcome = run([f"Deputy Minister {name} spoke.", f"{later} said the fund would grow."])
    person = by_source(outcome)[name]
    assert outcome.translations["ko"][1].startswith(f"<ko> {ko} ")
    assert outcome.translations["ja"][1].startswith(f"<ja> {ja}")
    assert person.short_renderings.get("ko") == ko


def test_two_persons_sharing_a_family_name_are_not_linked_and_the_reviewer_is_warned() -> None:
    segments = ["Minister Kim Min-ji met Vice Minister Kim Tae-ho.", "Mr. Kim later left for Seoul."]
    outcome = run(segments)
    assert {"Kim Min-ji", "Kim Tae-ho"} <= by_source(outcome).keys()
    assert "Kim" not in by_source(outcome)
    for source in ("Kim Min-ji", "Kim Tae-ho"):
        assert {m.segment for m in by_source(outcome)[source].mentions if m.lang == "en"} == {"s1"}
    warnings = [w for w in outcome.warnings if w.code == "entity-ambiguous-reference"]
    assert len(warnings) == 1
    assert warnings[0].segment == "s2"
    assert "'Kim'" in warnings[0].message


def test_a_family_name_inside_another_name_is_no_reference() -> None:
    outcome = run(["Foreign Minister Park Jin met Park Geun-hye.", "Park Geun-hye left."], default())
    assert {m.segment for m in by_source(outcome)["Park Jin"].mentions if m.lang == "en"} == {"s1"}


def test_without_a_safe_short_form_the_full_rendering_is_used() -> None:
    outcome = run(["Economist Takeshi Ohara spoke.", "Ohara said wages would rise."], langs=("ja",))
    person = by_source(outcome)["Takeshi Ohara"]
    assert "ja" not in person.short_renderings  # 大原健: kanji, never cut
    assert outcome.translations["ja"][1].startswith("<ja> 大原健 ")


@pytest.mark.parametrize(("rendering", "lang", "place", "others", "expected"), [
    ("アントニー・ブリンケン", "ja", LAST, {"ja": "アントニー・ブリンケン"}, "ブリンケン"),
    ("토니 블링컨", "ko", LAST, {"ja": "アントニー・ブリンケン"}, "블링컨"),
    ("토니 블링컨", "ko", FIRST, {"ja": "アントニー・ブリンケン"}, None),      # a Western given name
    ("기시다 후미오", "ko", FIRST, {"ja": "岸田文雄"}, "기시다"),
    ("기시다 후미오", "ko", LAST, {"ja": "岸田文雄"}, None),                   # not certain: full rendering
    ("박진", "ko", FIRST, {"ja": "朴振"}, "박"),
    ("제갈성훈", "ko", FIRST, {}, "제갈"),
    ("선우재현", "ko", FIRST, {}, "선우"),
    ("박진", "ko", LAST, {"ja": "朴振"}, None),                                # "Jin": a given name
    ("朴振", "ja", FIRST, {"ja": "朴振"}, None),
    ("岸田文雄", "ja", LAST, {"ja": "岸田文雄"}, None),
])
def test_derive_short(rendering: str, lang: str, place: str, others: dict, expected: str | None) -> None:
    assert derive_short(rendering, lang, place, {lang: rendering, **others}) == expected


@pytest.mark.parametrize(("name", "words"), [
    ("Lloyd J. Austin III", {"Austin": LAST, "Lloyd": FIRST}),
    ("Joseph R. Biden, Jr.", {"Biden": LAST, "Joseph": FIRST}),
    ("Park Jin", {"Jin": LAST, "Park": FIRST}),
    ("Sutrisno", {}),
])
def test_reference_words(name: str, words: dict) -> None:
    assert reference_words(name) == words


def test_glossary_short_renderings_are_used_for_the_family_name_only() -> None:
    entry = GlossaryEntry("Lee Ha-eun", {"ja": "李夏恩", "ko": "이하은"}, type="person",
                          short_renderings={"ja": "李", "ko": "이"})
    active = ActiveGlossary((Glossary("desk", (entry,)),))
    outcome = run(["Lee Ha-eun won the title.", "Lee had led all week.", '"Ha-eun played well," he said.'], active)
    assert outcome.translations["ko"][1].startswith("<ko> 이 ")
    assert "이하은" in outcome.translations["ko"][2]  # the given name alone: the full rendering
