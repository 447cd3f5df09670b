"""The pipeline on injected doubles: structure, alignment, batching and bad input."""
from __future__ import annotations

import pytest

from service import errors
from service.pipeline import BriefRequest, build_brief, build_briefs, decode_text, translate_segments
from service.runtime.resources import Resources
from tests.fakes import DictTranslator, FakeModelManager, TaggingTranslator

ARTICLE = (
    "Officials met in the capital on Monday. They discussed trade and security.\n\n"
    "The talks will continue next month. A joint statement is expected soon."
)


@pytest.fixture
def translator():
    return TaggingTranslator()


@pytest.fixture
def resources(settings, translator):
    return Resources(settings, models=FakeModelManager(settings, translator=translator))


def request(**kw) -> BriefRequest:
    return BriefRequest(target_langs=kw.pop("target_langs", ("ja", "ko")), **kw)


def test_brief_pairs_each_summary_sentence_with_each_language(resources):
    brief = build_brief(ARTICLE, request(sentences=2), resources)
    assert [s.id for s in brief.segments] == ["s1", "s2"]
    for seg in brief.segments:
        assert seg.translations["ja"] == f"<ja> {seg.en}"
        assert seg.translations["ko"] == f"<ko> {seg.en}"
        assert seg.provenance == {"ja": "model", "ko": "model"}
    assert brief.segments[0].source_index == 0


def test_meta_carries_models_engines_timings_and_signature(resources):
    meta = build_brief(ARTICLE, request(sentences=1), resources).meta
    assert set(meta.timings_ms) == {"segment", "summarize", "translate", "entities", "align", "quality"}
    assert meta.timings_ms["entities"] <= meta.timings_ms["translate"]  # finding entities is part of translating
    assert meta.models["en-ja"]["model"] == "Helsinki-NLP/opus-tatoeba-en-ja"
    assert meta.engines["en-ko"] == "ctranslate2"
    assert "en-ja:Helsinki-NLP/opus-tatoeba-en-ja@main/ctranslate2" in meta.signature


def test_ratio_selects_a_share_of_sentences(resources):
    assert len(build_brief(ARTICLE, request(ratio=0.5), resources).segments) == 2


class CountingTranslator(TaggingTranslator):
    """Counts engine calls per target language and keeps the texts of each call."""

    def __init__(self) -> None:
        super().__init__()
        self.texts_by_lang: dict[str, list[list[str]]] = {}

    def translate_batch(self, texts, source_lang, target_lang):
        self.texts_by_lang.setdefault(target_lang, []).append(list(texts))
        return super().translate_batch(texts, source_lang, target_lang)


def test_many_articles_share_one_engine_call_per_language(settings):
    translator = CountingTranslator()
    resources = Resources(settings, models=FakeModelManager(settings, translator=translator))
    articles = [ARTICLE, "Rain fell in the city. Markets were calm."]
    articles += [f"Officials met {n} times this year. The talks were calm." for n in range(2, 40)]
    briefs = build_briefs(articles, request(sentences=2), resources)
    assert len(briefs) == len(articles)
    assert briefs[1].segments[0].en == "Rain fell in the city."
    assert {lang: len(calls) for lang, calls in translator.texts_by_lang.items()} == {"ja": 1, "ko": 1}
    every_sentence = [segment.en for brief in briefs for segment in brief.segments]
    for (texts,) in translator.texts_by_lang.values():
        assert texts == every_sentence


def test_empty_model_output_is_paired_and_warned(settings):
    models = FakeModelManager(settings, translator=DictTranslator({}))
    brief = build_brief(ARTICLE, request(sentences=1, target_langs=("ja",)), Resources(settings, models=models))
    assert brief.segments[0].translations["ja"] == ""
    assert any(w.code == "alignment-empty" and w.segment == "s1" for w in brief.meta.warnings)


def test_several_target_sentences_are_kept_together_with_a_warning(settings):
    first = "Officials met in the capital on Monday."
    models = FakeModelManager(settings, translator=DictTranslator({(first, "ja"): "会った。話した。"}))
    brief = build_brief(ARTICLE, request(sentences=1, target_langs=("ja",)), Resources(settings, models=models))
    assert brief.segments[0].translations["ja"] == "会った。話した。"
    assert any(w.code == "alignment-multiple" for w in brief.meta.warnings)


def test_translate_segments_keeps_given_segments(resources):
    brief = translate_segments(["One.", "Two."], request(target_langs=("ko",)), resources)
    assert [s.en for s in brief.segments] == ["One.", "Two."]
    assert brief.segments[1].translations == {"ko": "<ko> Two."}
    assert "summarizer" not in brief.meta.models


@pytest.mark.parametrize("text", ["", "   \n\t  "], ids=["empty", "whitespace"])
def test_empty_text_is_refused(resources, text):
    with pytest.raises(errors.EmptyTextError):
        build_brief(text, request(), resources)


def test_text_over_the_limit_is_refused(tmp_path, translator):
    from tests.helpers import make_settings

    settings = make_settings(tmp_path, limits={"max_chars": 20})
    res = Resources(settings, models=FakeModelManager(settings, translator=translator))
    with pytest.raises(errors.TextTooLongError, match="limit is 20"):
        build_brief(ARTICLE, request(), res)


def test_non_utf8_bytes_are_refused():
    with pytest.raises(errors.TextEncodingError, match="offset 3"):
        decode_text(b"abc\xff\xfe")


def test_unknown_language_is_refused(resources):
    with pytest.raises(errors.UnknownLanguageError):
        build_brief(ARTICLE, request(target_langs=("xx",)), resources)


def test_pair_without_model_is_refused_before_any_work(resources, translator):
    with pytest.raises(errors.UnsupportedPairError, match="en-fr"):
        build_brief(ARTICLE, request(target_langs=("fr",)), resources)
    assert translator.calls == []


@pytest.mark.parametrize(("kw", "message"), [({"sentences": 0}, "sentences must be an integer >= 1"),
                                             ({"ratio": 0.0}, r"ratio must be in \(0, 1\]"),
                                             ({"ratio": 1.5}, r"ratio must be in \(0, 1\]")])
def test_bad_summary_size_is_refused(resources, kw, message):
    with pytest.raises(ValueError, match=message):
        build_brief(ARTICLE, request(**kw), resources)


def test_each_brief_reports_its_own_entities_and_warnings_under_its_own_ids(resources):
    articles = ["North Korea fired a missile on Monday. Officials met in the capital.",
                "Rain fell in the city. Lloyd Austin met envoys from North Korea and Tawain."]
    first, second = build_briefs(articles, request(sentences=2), resources)
    assert [(e.source, {m.segment for m in e.mentions}) for e in first.entities] == [("North Korea", {"s1"})]
    assert {e.source: {m.segment for m in e.mentions} for e in second.entities} == {
        "Lloyd Austin": {"s2"}, "North Korea": {"s2"}, "Tawain": {"s2"}}
    for brief in (first, second):
        for entity in brief.entities:
            for m in entity.mentions:
                segment = next(s for s in brief.segments if s.id == m.segment)
                assert (segment.en if m.lang == "en" else segment.translations[m.lang])[m.start:m.end]
    assert not first.meta.warnings
    assert [(w.code, w.segment) for w in second.meta.warnings] == [("glossary-possible-misspelling", "s2")]


RELEASE = (
    "Share this page: Facebook Twitter\n\n"
    "Allies Agree On Missile Data\n\n"
    "By Jane Doe, Associated Press\n\n"
    "TOKYO (AP) — North Korea fired a missile on Monday, officials said. Allies met in the capital.\n"
    "(Photo: Ministry of Defense)\n\n"
    "Key Points Of The Deal\n\n"
    "Data will flow in real time. The deal starts in May.\n\n"
    "###\n"
)


def test_the_headline_is_the_title_translated_in_the_same_engine_call(settings):
    translator = CountingTranslator()
    resources = Resources(settings, models=FakeModelManager(settings, translator=translator))
    brief = build_brief(RELEASE, request(ratio=1.0), resources)
    assert brief.title is not None
    assert (brief.title.id, brief.title.source_index, brief.title.en) == ("title", 0, "Allies Agree On Missile Data")
    assert brief.title.translations == {"ja": "<ja> Allies Agree On Missile Data",
                                        "ko": "<ko> Allies Agree On Missile Data"}
    assert brief.title.provenance == {"ja": "model", "ko": "model"}
    assert {lang: len(calls) for lang, calls in translator.texts_by_lang.items()} == {"ja": 1, "ko": 1}
    assert translator.texts_by_lang["ja"][0][0] == "Allies Agree On Missile Data"
    assert brief.units() == [brief.title, *brief.segments]


def test_ratio_one_keeps_every_body_sentence_and_nothing_else(resources):
    brief = build_brief(RELEASE, request(ratio=1.0), resources)
    # Not the title, not the subheading, no non-content line; the dateline is taken off the lead.
    assert [s.en for s in brief.segments] == [
        "North Korea fired a missile on Monday, officials said.", "Allies met in the capital.",
        "Data will flow in real time.", "The deal starts in May."]
    assert [s.id for s in brief.segments] == ["s1", "s2", "s3", "s4"]


def test_what_was_left_out_is_listed_in_meta_with_offsets(resources):
    brief = build_brief(RELEASE, request(sentences=1), resources)
    assert [(d.kind, d.text) for d in brief.meta.dropped] == [
        ("navigation", "Share this page: Facebook Twitter"), ("byline", "By Jane Doe, Associated Press"),
        ("dateline", "TOKYO (AP) —"), ("photo-credit", "(Photo: Ministry of Defense)"), ("end-mark", "###")]
    for line in brief.meta.dropped:
        assert RELEASE[line.start:line.end] == line.text
    assert brief.to_dict()["meta"]["dropped"][0] == {"text": "Share this page: Facebook Twitter",
                                                     "kind": "navigation", "start": 0, "end": 33}


def test_entities_in_the_title_are_reported_under_the_title(resources):
    brief = build_brief("North Korea Fires A Missile\n\nOfficials met in the capital on Monday.", request(), resources)
    (korea,) = [e for e in brief.entities if e.source == "North Korea"]
    assert {(m.segment, m.lang) for m in korea.mentions} >= {("title", "en"), ("title", "ja")}


def test_an_article_of_a_title_and_subheadings_only_has_no_summary(resources):
    brief = build_brief("Allies Agree On Missile Data\n\nKey Points Of The Deal\n\n###", request(), resources)
    assert brief.title is not None
    assert brief.segments == []


def test_an_article_of_non_content_lines_only_is_refused(resources):
    with pytest.raises(errors.EmptyTextError):
        build_brief("Share this page: Facebook Twitter\n\n###", request(), resources)


def test_translated_segments_have_no_title_and_drop_nothing(resources):
    brief = translate_segments(["###", "Print | Email"], request(target_langs=("ko",)), resources)
    assert brief.title is None
    assert brief.meta.dropped == []
    assert [s.en for s in brief.segments] == ["###", "Print | Email"]
