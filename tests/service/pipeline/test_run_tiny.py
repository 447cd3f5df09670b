"""The whole pipeline on the tiny models (gibberish output): glossary enforcement holds anyway."""
from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from service.glossary.standalone import find_standalone
from service.pipeline import BriefRequest, build_brief, build_briefs
from service.runtime.resources import Resources

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_resources(tiny_models_dir, tmp_path_factory):
    from tests.helpers import make_settings

    return Resources(make_settings(tmp_path_factory.mktemp("e2e"), models_dir=str(tiny_models_dir)))


def _whole_brief(resources, article):
    return build_brief(article, BriefRequest(target_langs=("ja", "ko"), ratio=1.0), resources)


@pytest.fixture(scope="module")
def article_brief(tiny_resources, news_article):
    """Every sentence of each realistic article (the repo's own, then the seed) through the tiny models."""
    return _whole_brief(tiny_resources, news_article)


@pytest.fixture(scope="module")
def seed_brief(tiny_resources, seed_article):
    return _whole_brief(tiny_resources, seed_article)


def _by_id(brief):
    return {s.id: s for s in brief.units()}


def test_every_offset_reads_back_its_rendering_or_source(article_brief):
    segments = _by_id(article_brief)
    assert article_brief.entities, "each article names people, places and institutions"
    for entity in article_brief.entities:
        for m in entity.mentions:
            seg = segments[m.segment]
            text = seg.en if m.lang == "en" else seg.translations[m.lang]
            assert 0 <= m.start < m.end <= len(text)
            if m.lang != "en":  # the rendering, or the short one where the text names a person by family name
                assert text[m.start:m.end] in (entity.renderings[m.lang], entity.short_renderings.get(m.lang)), (
                    entity.source, m)


def test_the_title_is_translated_and_no_non_content_line_reaches_the_brief(article_brief, news_article):
    from service.pipeline.segmentation import segment_text

    segmentation = segment_text(news_article)
    assert article_brief.title is not None, "each article opens with a headline"
    assert article_brief.title.en == segmentation.title.text
    assert set(article_brief.title.translations) == {"ja", "ko"}
    assert [(d.text, d.kind) for d in article_brief.meta.dropped if d.kind != "dateline"] == [
        (d.text, d.kind) for d in segmentation.dropped]
    marks = [d.text for d in article_brief.meta.dropped if d.kind in ("end-mark", "rule", "navigation")]
    for unit in article_brief.units():
        assert unit.en not in {d.text for d in article_brief.meta.dropped}
        assert not any(mark in unit.en for mark in marks), unit.en
    # At ratio 1 every body sentence is in the brief, and nothing else.
    assert len(article_brief.segments) == sum(1 for s in segmentation.sentences if not s.is_headline)


def test_glossary_consistency_is_100_percent(article_brief):
    """Each glossary entity appears in each translation exactly once per English mention."""
    segments = _by_id(article_brief)
    checked = 0
    for entity in (e for e in article_brief.entities if e.resolution == "glossary"):
        en_mentions = Counter(m.segment for m in entity.mentions if m.lang == "en")
        for lang in ("ja", "ko"):
            for seg_id, count in en_mentions.items():
                text = segments[seg_id].translations[lang]
                found = [*find_standalone(text, entity.renderings[lang], lang),
                         *(find_standalone(text, entity.short_renderings[lang], lang)
                           if lang in entity.short_renderings else [])]
                reported = [m for m in entity.mentions if m.segment == seg_id and m.lang == lang]
                assert len(reported) == count, (entity.source, seg_id, lang)
                assert len(found) >= count, (entity.source, seg_id, lang, text)
                checked += 1
    assert checked >= 10


def test_required_seed_entities_resolve_from_the_default_glossary(seed_brief):
    resolved = {e.source: e for e in seed_brief.entities if e.resolution == "glossary"}
    for name in ("Lloyd Austin", "Antony Blinken", "Yoko Kamikawa", "Minoru Kihara", "North Korea",
                 "Fumio Kishida", "PAC-3"):
        assert name in resolved, name
        assert resolved[name].glossary == "default"
    assert resolved["Lloyd Austin"].renderings == {"ja": "ロイド・オースティン", "ko": "로이드 오스틴"}


def test_repairs_of_gibberish_output_are_reported(article_brief):
    codes = {w.code for w in article_brief.meta.warnings}
    assert "tiny-models" in codes
    assert any(c.startswith("glossary-repair-") for c in codes)


def test_own_article_entities_and_misspelling(tiny_resources):
    from tests.helpers import OWN_ARTICLES, read_article

    brief = _whole_brief(tiny_resources, read_article(OWN_ARTICLES[1]))
    resolved = {e.source: e for e in brief.entities}
    for name in ("Gen Nakatani", "Kim Yong-hyun", "Busan", "Ministry of National Defense", "Sea of Japan",
                 "U.S. Forces Korea", "Liberal Democratic Party", "Democratic Party of Korea"):
        assert resolved[name].resolution == "glossary", name
        assert resolved[name].glossary == "default", name
    assert resolved["Paul Whitcomb"].resolution == "learned"
    typo = [w for w in brief.meta.warnings if w.code == "glossary-possible-misspelling"]
    assert typo
    assert "Taiwan" in typo[0].message
    assert "Tawain" in typo[0].message


def test_an_unknown_name_renders_the_same_everywhere(tiny_resources):
    article = ("Harold Quimby met trade officials in the capital on Monday. "
               "Officials said the talks with Harold Quimby went well.")
    brief = build_brief(article, BriefRequest(target_langs=("ja", "ko"), sentences=2), tiny_resources)
    learned = [e for e in brief.entities if e.source == "Harold Quimby"]
    assert len(learned) == 1
    assert learned[0].resolution == "learned"
    entity = learned[0]
    per_lang = defaultdict(set)
    segments = _by_id(brief)
    for m in entity.mentions:
        if m.lang != "en":
            per_lang[m.lang].add(segments[m.segment].translations[m.lang][m.start:m.end])
    assert set(per_lang) == {"ja", "ko"}
    assert all(len(spellings) == 1 for spellings in per_lang.values()), per_lang
    assert {m.segment for m in entity.mentions if m.lang == "ko"} == {"s1", "s2"}


def test_a_learned_name_stays_the_same_across_a_batch_of_articles(tiny_resources):
    articles = ["Harold Quimby arrived in the capital on Monday.", "On Tuesday Harold Quimby left again."]
    briefs = build_briefs(articles, BriefRequest(target_langs=("ko",), sentences=1), tiny_resources)
    renderings = {b.entities[0].renderings["ko"] for b in briefs if b.entities}
    assert len(renderings) == 1
