"""GlossaryTranslator: placeholders in, renderings out, exactly once per mention, every repair reported.

The translators here are ADVERSARIAL TEST DOUBLES: they tag the text instead of translating and do to
the placeholders what bad models do (drop, duplicate, split, misspell, reorder, transliterate).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from models.engines.base import Translator
from service.glossary.enforce import GlossaryTranslator, TranslatorContractError
from service.glossary.learned import LearnedGlossary
from service.glossary.model import ActiveGlossary, Glossary, GlossaryEntry
from service.glossary.restore import find_standalone

PLACEHOLDER = re.compile(r"\b[A-Z]{2,5}(\d+)\b")

NEWS = Glossary("default", (
    GlossaryEntry("Japan", {"ja": "日本", "ko": "일본"}, "place"),
    GlossaryEntry("United States", {"ja": "米国", "ko": "미국"}, "place", aliases=("US",)),
    GlossaryEntry("Russia", {"ja": "ロシア", "ko": "러시아"}, "place"),
    GlossaryEntry("Seoul", {"ja": "ソウル", "ko": "서울"}, "place"),
    GlossaryEntry("Yoko Kamikawa", {"ja": "上川陽子", "ko": "가미카와 요코"}, "person",
                  aliases=("Kamikawa",), variants={"ja": ("カミカワ",)}),
))
ACTIVE = ActiveGlossary((NEWS,))
RENDER = {(e.source, lang): r for e in NEWS.entries for lang, r in e.renderings.items()}


class TagTranslator:
    """Copies the text (placeholders included) behind a language tag; records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], str]] = []

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        self.calls.append((list(texts), target_lang))
        return [self.garble(t, target_lang) if t.strip() else "" for t in texts]

    def garble(self, text: str, lang: str) -> str:
        return f"[{lang}] {text}"


class DroppingTranslator(TagTranslator):
    def garble(self, text: str, lang: str) -> str:
        return f"[{lang}] " + PLACEHOLDER.sub("", text)


class DuplicatingTranslator(TagTranslator):
    def garble(self, text: str, lang: str) -> str:
        return f"[{lang}] " + PLACEHOLDER.sub(lambda m: f"{m.group(0)} {m.group(0)}", text)


class SplittingTranslator(TagTranslator):
    """Writes ZX1 as 'z x 1' or full-width 'ＺＸ１'."""

    def garble(self, text: str, lang: str) -> str:
        def mangle(m: re.Match[str]) -> str:
            if int(m.group(1)) % 2:
                return " ".join(m.group(0).lower())
            return m.group(0).translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
        return f"[{lang}] " + PLACEHOLDER.sub(mangle, text)


class ReorderingTranslator(TagTranslator):
    def garble(self, text: str, lang: str) -> str:
        found = PLACEHOLDER.findall(text)
        tokens = iter(reversed([m.group(0) for m in PLACEHOLDER.finditer(text)]))
        return f"[{lang}] " + (PLACEHOLDER.sub(lambda m: next(tokens), text) if found else text)


class TransliteratingTranslator(TagTranslator):
    """Replaces placeholder k with ``spellings[k-1]``: a model's own spelling of the name."""

    def __init__(self, spellings: Sequence[str]) -> None:
        super().__init__()
        self.spellings = list(spellings)

    def garble(self, text: str, lang: str) -> str:
        return PLACEHOLDER.sub(lambda m: self.spellings[int(m.group(1)) - 1], text)


class EchoingTranslator(TagTranslator):
    """Keeps the placeholders and also writes the glossary rendering itself, as a second copy."""

    def garble(self, text: str, lang: str) -> str:
        extra = " ".join(r for (src, lng), r in RENDER.items() if lng == lang and src in ("Japan", "Russia"))
        return f"[{lang}] {text} {extra}"


# Words that contain a rendering but are other words: "Japanese (person)", "the Russian language".
COMPOUNDS = {"ja": "日本人とロシア語", "ko": "일본인과 러시아어"}


class CompoundWritingTranslator(TagTranslator):
    """Keeps the placeholders and also writes words that merely CONTAIN a rendering."""

    def garble(self, text: str, lang: str) -> str:
        return f"[{lang}] {text} {COMPOUNDS[lang]}"


class CompoundAndEchoTranslator(EchoingTranslator):
    """A real extra copy of the name next to words that only contain it."""

    def garble(self, text: str, lang: str) -> str:
        return f"{super().garble(text, lang)} {COMPOUNDS[lang]}"


def run(translator: Translator, segments: Sequence[str], langs=("ja", "ko"), active=ACTIVE, **kwargs):
    gt = GlossaryTranslator(translator, active, **kwargs)
    return gt.translate_segments(list(segments), "en", list(langs), [f"s{i}" for i in range(len(segments))])


def assert_enforced(outcome, segments: Sequence[str], expected: dict[int, dict[str, int]], langs=("ja", "ko")):
    """Each expected entity rendering occurs exactly that often, and every offset reads back."""
    for i, counts in expected.items():
        for lang in langs:
            text = outcome.translations[lang][i]
            for source, count in counts.items():
                rendering = RENDER[(source, lang)]
                assert len(find_standalone(text, rendering, lang)) == count, (lang, text, rendering)
    by_segment = {f"s{i}": s for i, s in enumerate(segments)}
    for entity in outcome.entities:
        for m in entity.mentions:
            if m.lang == "en":
                text = by_segment[m.segment]
                assert entity.source in NEWS_SOURCES or text[m.start:m.end]
            else:
                text = outcome.translations[m.lang][int(m.segment[1:])]
                assert text[m.start:m.end] == entity.renderings[m.lang]


NEWS_SOURCES = {e.source for e in NEWS.entries}
SEGMENTS = ["Japan and the US condemned Russia's moves.", "Kamikawa met Russia in Seoul."]
EXPECTED = {0: {"Japan": 1, "United States": 1, "Russia": 1}, 1: {"Yoko Kamikawa": 1, "Russia": 1, "Seoul": 1}}


@pytest.mark.parametrize(("translator", "codes"), [
    (TagTranslator(), set()),
    (DroppingTranslator(), {"glossary-repair-dropped"}),
    (DuplicatingTranslator(), {"glossary-repair-duplicated"}),
    (SplittingTranslator(), {"glossary-repair-mangled"}),
    (ReorderingTranslator(), {"glossary-repair-reordered"}),
    (EchoingTranslator(), {"glossary-repair-duplicated"}),
    (CompoundWritingTranslator(), set()),
    (CompoundAndEchoTranslator(), {"glossary-repair-duplicated"}),
], ids=lambda x: type(x).__name__ if not isinstance(x, set) else "")
def test_adversarial_translators(translator: TagTranslator, codes: set[str]) -> None:
    outcome = run(translator, SEGMENTS)
    assert_enforced(outcome, SEGMENTS, EXPECTED)
    assert {w.code for w in outcome.warnings} == codes
    for w in outcome.warnings:
        assert w.segment in ("s0", "s1")
        assert w.lang in ("ja", "ko")
        assert w.message
    if isinstance(translator, CompoundWritingTranslator | CompoundAndEchoTranslator):
        for lang in ("ja", "ko"):
            assert all(text.endswith(COMPOUNDS[lang]) for text in outcome.translations[lang])


@pytest.mark.parametrize(("lang", "model_output", "expected"), [
    ("ja", "ZX1と日本人の当局者が会談した。", "日本と日本人の当局者が会談した。"),
    ("ja", "ZX1と日本語を話す当局者が会談した。", "日本と日本語を話す当局者が会談した。"),
    ("ko", "ZX1과 일본인 관리들이 회담했다.", "일본과 일본인 관리들이 회담했다."),
    ("ko", "ZX1과 일본어를 하는 관리들이 회담했다.", "일본과 일본어를 하는 관리들이 회담했다."),
])
def test_japan_and_japanese_officials(lang: str, model_output: str, expected: str) -> None:
    class Fixed(TagTranslator):
        def garble(self, text: str, _lang: str) -> str:
            assert text == "ZX1 and Japanese officials met."
            return model_output

    outcome = run(Fixed(), ["Japan and Japanese officials met."], langs=(lang,), detect_names=False)
    assert outcome.translations[lang] == [expected]
    assert outcome.warnings == []


def test_one_batch_call_per_language() -> None:
    translator = TagTranslator()
    run(translator, SEGMENTS, detect_names=False)
    assert [(len(texts), lang) for texts, lang in translator.calls] == [(2, "ja"), (2, "ko")]
    assert all("Japan" not in t for texts, _ in translator.calls for t in texts)


def test_placeholders_reach_the_model() -> None:
    translator = TagTranslator()
    run(translator, ["Japan and the U.S."], langs=("ja",), detect_names=False)
    (sent,), _lang = translator.calls[0]
    assert PLACEHOLDER.findall(sent) == ["1", "2"]
    assert sent.endswith(".")


def test_transliteration_variants_are_normalised() -> None:
    outcome = run(TransliteratingTranslator(["カミカワ", "Seoul"]), ["Kamikawa visited Seoul."], langs=("ja",))
    assert outcome.translations["ja"] == ["上川陽子 visited ソウル."]
    assert [w.code for w in outcome.warnings] == ["glossary-repair-variant"] * 2


def test_unknown_spelling_gets_inserted_and_reported() -> None:
    outcome = run(TransliteratingTranslator(["カミカーワ"]), ["Kamikawa spoke."], langs=("ja",))
    text = outcome.translations["ja"][0]
    assert text.count("上川陽子") == 1
    assert [w.code for w in outcome.warnings] == ["glossary-repair-dropped"]


def test_mentions_in_english_point_at_surfaces() -> None:
    outcome = run(TagTranslator(), SEGMENTS)
    for entity in outcome.entities:
        for m in entity.mentions:
            if m.lang == "en":
                surface = SEGMENTS[int(m.segment[1:])][m.start:m.end]
                assert surface in (entity.source, *next(e.aliases for e in NEWS.entries if e.source == entity.source))
    report = {e.source: e for e in outcome.entities}
    assert report["Russia"].resolution == "glossary"
    assert report["Russia"].glossary == "default"
    assert len([m for m in report["Russia"].mentions if m.lang == "ja"]) == 2


def test_repeated_mentions_in_one_sentence() -> None:
    segments = ["Russia and Russia and Russia."]
    outcome = run(DuplicatingTranslator(), segments)
    assert_enforced(outcome, segments, {0: {"Russia": 3}})


@pytest.mark.parametrize("translator", [TagTranslator(), DroppingTranslator()], ids=["copying", "dropping"])
def test_japanese_has_no_stray_spaces_around_names(translator) -> None:
    class JapaneseDouble(type(translator)):
        def garble(self, text: str, lang: str) -> str:
            return super().garble(text, lang).replace("[ja] ", "").replace(" moved.", " は 動いた。")

    outcome = run(JapaneseDouble(), ["Russia moved."], langs=("ja",))
    assert outcome.translations["ja"] == ["ロシアは 動いた。"]


def test_korean_particles_follow_the_restored_name() -> None:
    class KoreanDouble(TagTranslator):
        def garble(self, text: str, lang: str) -> str:
            a, b = PLACEHOLDER.findall(text)[:2]
            return f"ZX{a}는 ZX{b}를 방문했다."

    outcome = run(KoreanDouble(), ["Seoul visited Russia."], langs=("ko",))
    assert outcome.translations["ko"] == ["서울은 러시아를 방문했다."]


def test_no_glossary_is_a_pass_through_with_learned_names() -> None:
    segments = ["President Joe Biden spoke.", "Then Joe Biden left Tokyo."]
    outcome = run(DroppingTranslator(), segments, active=ActiveGlossary())
    for lang in ("ja", "ko"):
        rendering = f"[{lang}] Joe Biden"
        for text in outcome.translations[lang]:
            assert text.count(rendering) == 1
    report = {e.source: e for e in outcome.entities}
    assert report["Joe Biden"].resolution == "learned"
    assert report["Joe Biden"].type == "person"


def test_unknown_name_renders_the_same_across_segments_and_calls() -> None:
    learned = LearnedGlossary()
    translator = TagTranslator()
    first = run(translator, ["Minister Shin Won-sik arrived."], learned=learned)
    second = run(translator, ["Shin Won-sik left.", "Officials thanked Shin Won-sik."], learned=learned)
    for lang in ("ja", "ko"):
        rendering = learned.known("Shin Won-sik", lang)
        assert rendering
        for outcome in (first, second):
            for text in outcome.translations[lang]:
                assert text.count(rendering) == 1
    name_calls = [texts for texts, _ in translator.calls if texts == ["Shin Won-sik"]]
    assert len(name_calls) == 2  # once per language, never again


def test_empty_isolated_translation_is_unresolved() -> None:
    class NoNames(TagTranslator):
        def garble(self, text: str, lang: str) -> str:
            return "" if text == "Shin Won-sik" else f"[{lang}] {text}"

    outcome = run(NoNames(), ["Minister Shin Won-sik arrived."], langs=("ja",), active=ActiveGlossary())
    (entity,) = outcome.entities
    assert entity.resolution == "unresolved"
    assert entity.renderings == {}
    assert outcome.translations["ja"] == ["[ja] Minister Shin Won-sik arrived."]


def test_missing_glossary_rendering_falls_back_to_learned() -> None:
    glossary = Glossary("g", (GlossaryEntry("Tokyo", {"ja": "東京"}, "place"),))
    outcome = run(TagTranslator(), ["Tokyo hosted it."], langs=("ja", "ko"), active=ActiveGlossary((glossary,)))
    (entity,) = outcome.entities
    assert entity.renderings == {"ja": "東京", "ko": "[ko] Tokyo"}
    assert [w.code for w in outcome.warnings] == ["glossary-missing-rendering"]


def test_translate_batch_interface() -> None:
    gt = GlossaryTranslator(DroppingTranslator(), ACTIVE, detect_names=False)
    assert isinstance(gt, Translator)
    out = gt.translate_batch(["Japan grew.", ""], "en", "ja")
    assert len(out) == 2
    assert out[0].count("日本") == 1
    assert out[1] == ""


def test_wrong_output_count_is_a_contract_error() -> None:
    class Short(TagTranslator):
        def translate_batch(self, texts, source_lang, target_lang):
            return []

    with pytest.raises(TranslatorContractError):
        run(Short(), ["Japan."], detect_names=False)


def test_mismatched_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="0 segment ids for 1 segments"):
        GlossaryTranslator(TagTranslator(), ACTIVE).translate_segments(["a"], "en", ["ja"], [])


def test_non_translator_is_rejected() -> None:
    with pytest.raises(TypeError):
        GlossaryTranslator(object(), ACTIVE)  # type: ignore[arg-type]


def test_news_article_with_gibberish_output(news_article: str) -> None:
    class Gibberish(TagTranslator):
        def garble(self, text: str, lang: str) -> str:
            return "".join(reversed(text))[: max(1, len(text) // 2)]

    segments = [line for line in news_article.splitlines() if line.strip()]
    outcome = run(Gibberish(), segments)
    for entity in outcome.entities:
        for m in entity.mentions:
            if m.lang != "en":
                text = outcome.translations[m.lang][int(m.segment[1:])]
                assert text[m.start:m.end] == entity.renderings[m.lang]


def test_a_likely_misspelling_of_a_glossary_name_is_flagged_not_replaced() -> None:
    active = ActiveGlossary((Glossary("default", (GlossaryEntry("Taiwan", {"ja": "台湾", "ko": "대만"},
                                                                type="place"),)),))
    outcome = run(TagTranslator(), ["Ships sailed around Tawain on Monday."], active=active)
    (warning,) = [w for w in outcome.warnings if w.code == "glossary-possible-misspelling"]
    assert warning.segment == "s0"
    assert "'Tawain'" in warning.message
    assert "'Taiwan'" in warning.message
    (entity,) = outcome.entities
    assert entity.source == "Tawain"
    assert entity.resolution == "learned"


def test_groups_are_reported_under_their_own_ids_from_one_call_per_language() -> None:
    translator = TagTranslator()
    active = ActiveGlossary((NEWS, Glossary("partial", (GlossaryEntry("Atlantis", {"ja": "アトランティス"}),))))
    gt = GlossaryTranslator(translator, active, detect_names=False)
    segments = ["Japan met Russia.", "Seoul waited.", "Japan left Atlantis.", "Atlantis sank."]
    first, second = gt.translate_groups(segments, "en", ["ja", "ko"], [["s1", "s2"], ["s1", "s2"]])
    assert sorted(lang for _texts, lang in translator.calls) == ["ja", "ko"]
    assert [len(first.translations[lang]) + len(second.translations[lang]) for lang in ("ja", "ko")] == [4, 4]
    assert "アトランティス" in second.translations["ja"][1]
    assert "Atlantis" not in first.translations["ja"][1]
    assert [e.source for e in first.entities] == ["Japan", "Russia", "Seoul"]
    assert [e.source for e in second.entities] == ["Japan", "Atlantis"]
    assert {(m.segment, m.lang) for m in second.entities[0].mentions} == {("s1", "en"), ("s1", "ja"), ("s1", "ko")}
    # A warning on no one segment concerns the whole batch, so every group has it.
    for outcome in (first, second):
        assert [(w.code, w.segment, w.lang) for w in outcome.warnings] == [("glossary-missing-rendering", None, "ko")]


def test_group_ids_must_cover_the_segments() -> None:
    with pytest.raises(ValueError, match="1 segment ids for 2 segments"):
        GlossaryTranslator(TagTranslator(), ACTIVE).translate_groups(["a", "b"], "en", ["ja"], [["s1"], []])


def test_the_adjective_of_a_glossary_place_is_neither_a_typo_nor_a_learned_name() -> None:
    active = ActiveGlossary((Glossary("default", (
        GlossaryEntry("South Korea", {"ja": "韓国", "ko": "한국"}, type="place"),
        GlossaryEntry("Taiwan", {"ja": "台湾", "ko": "대만"}, type="place"))),))
    outcome = run(TagTranslator(), ["They met on South Korean soil near Tawain on Monday."], active=active)
    typos = [w.message for w in outcome.warnings if w.code == "glossary-possible-misspelling"]
    assert len(typos) == 1
    assert "'Tawain'" in typos[0]
    assert "South Korean" not in {e.source for e in outcome.entities}


def test_the_learned_matcher_is_rebuilt_only_when_a_name_is_learned(monkeypatch: pytest.MonkeyPatch) -> None:
    import service.glossary.entities as entities

    builds = []
    real = entities.EntityMatcher
    monkeypatch.setattr(entities, "EntityMatcher", lambda active: builds.append(active) or real(active))
    segments = ["Harold Quimby met officials on Monday."] * 5 + ["They met Edna Pruitt later."] * 5
    outcome = run(TagTranslator(), segments)
    assert {"Harold Quimby", "Edna Pruitt"} <= {e.source for e in outcome.entities}
    assert len(builds) == 2  # once per newly learned name, not once per segment
