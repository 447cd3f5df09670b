"""apply_memory: exact matches replace model text (tm-exact), fuzzy ones are suggested, the glossary warns."""
from __future__ import annotations

import pytest

from service.memory.files import MemoryUnit
from service.memory.reuse import apply_memory, replace_translation
from service.memory.store import MemoryStore
from service.pipeline import BriefRequest, build_brief
from service.runtime.resources import Resources
from service.settings import MemoryOptions
from tests.fakes import FakeModelManager
from tests.helpers import make_settings

ARTICLE = "Officials met in Tokyo on Monday. They discussed trade and security. Talks resume in May."
OPTIONS = MemoryOptions(enabled=True, fuzzy_threshold=0.8, max_suggestions=1)


@pytest.fixture
def brief(tmp_path):
    settings = make_settings(tmp_path)
    resources = Resources(settings, models=FakeModelManager(settings))
    return build_brief(ARTICLE, BriefRequest(target_langs=("ja", "ko"), sentences=3), resources)


@pytest.fixture
def store(tmp_path):
    s = MemoryStore(tmp_path / "tm.sqlite3")
    yield s
    s.close()


def _tokyo(brief):
    return next(e for e in brief.entities if e.source == "Tokyo")


def test_exact_match_replaces_the_model_text_and_moves_mentions(brief, store):
    store.add_units("desk", [MemoryUnit("en", "ja", "Officials met  in Tokyo on Monday.", "月曜日に東京で会談。")])
    apply_memory([brief], store, OPTIONS)
    first = brief.segments[0]
    assert first.translations["ja"] == "月曜日に東京で会談。"
    assert first.provenance["ja"] == "tm-exact"
    assert first.provenance["ko"] == "model"
    assert brief.segments[1].provenance["ja"] == "model"
    [mention] = [m for m in _tokyo(brief).mentions if m.segment == "s1" and m.lang == "ja"]
    assert first.translations["ja"][mention.start:mention.end] == "東京"
    assert not [w for w in brief.meta.warnings if w.code == "tm-glossary"]


def test_memory_text_missing_the_glossary_rendering_is_kept_and_warned(brief, store):
    store.add_units("desk", [MemoryUnit("en", "ja", "Officials met in Tokyo on Monday.", "月曜日にトーキョーで会談。")])
    apply_memory([brief], store, OPTIONS)
    assert brief.segments[0].translations["ja"] == "月曜日にトーキョーで会談。", "never rewritten"
    [warning] = [w for w in brief.meta.warnings if w.code == "tm-glossary"]
    assert (warning.segment, warning.lang) == ("s1", "ja")
    assert "Tokyo" in warning.message
    assert not [m for m in _tokyo(brief).mentions if m.segment == "s1" and m.lang == "ja"]


def test_fuzzy_match_is_a_suggestion_with_its_score(brief, store):
    unit = MemoryUnit("en", "ko", "They discussed trade and security issues.", "무역과 안보를 논의했다.")
    store.add_units("desk", [unit])
    apply_memory([brief], store, OPTIONS)
    assert brief.segments[1].provenance["ko"] == "model"
    [warning] = [w for w in brief.meta.warnings if w.code == "tm-suggestion"]
    assert (warning.segment, warning.lang) == ("s2", "ko")
    assert "무역과 안보를 논의했다." in warning.message
    assert "%" in warning.message


def test_below_threshold_nothing_is_suggested(brief, store):
    store.add_units("desk", [MemoryUnit("en", "ko", "Nothing like it at all here.", "전혀 다름")])
    apply_memory([brief], store, OPTIONS)
    assert not [w for w in brief.meta.warnings if w.code.startswith("tm-")]


def test_disabled_memory_changes_nothing(brief, store):
    store.add_units("desk", [MemoryUnit("en", "ja", "Officials met in Tokyo on Monday.", "会談。")])
    before = [dict(s.translations) for s in brief.segments]
    apply_memory([brief], store, MemoryOptions(enabled=False))
    assert [s.translations for s in brief.segments] == before


def test_replace_translation_flags_an_entity_an_edit_removed(brief):
    warnings = replace_translation(brief, "s1", "ko", "월요일 회담.", "edited")
    assert brief.segments[0].provenance["ko"] == "edited"
    assert [(w.code, w.segment, w.lang) for w in warnings] == [("entity-missing", "s1", "ko")]


def test_a_tenant_reuses_its_own_and_shared_memories_never_another_tenants(brief, store):
    from service.storage.tenancy import Tenant

    source = brief.segments[0].en
    store.add_units("theirs", [MemoryUnit("en", "ja", source, "他チームの訳。")], tenant=Tenant("team:other"))
    store.add_units("theirs", [MemoryUnit("en", "ko", source, "다른 팀 번역.")], tenant=Tenant("team:other"))
    store.add_units("shared", [MemoryUnit("en", "ko", source, "공유 번역.")])
    apply_memory([brief], store, OPTIONS, tenant=Tenant("team:desk"))
    assert brief.segments[0].provenance == {"ja": "model", "ko": "tm-exact"}
    assert brief.segments[0].translations["ko"] == "공유 번역."
    assert not any("他チーム" in w.message or "다른 팀" in w.message for w in brief.meta.warnings)


def test_an_exact_match_drops_the_model_texts_warnings_of_that_cell(brief, store):
    from service.brief import BriefWarning

    brief.meta.warnings += [BriefWarning("glossary-repair-dropped", "the model dropped 'Tokyo'", "s1", "ja"),
                            BriefWarning("glossary-repair-dropped", "the model dropped 'Tokyo'", "s1", "ko")]
    store.add_units("desk", [MemoryUnit("en", "ja", "Officials met in Tokyo on Monday.", "月曜日に東京で会談。")])
    apply_memory([brief], store, OPTIONS)
    assert [(w.segment, w.lang) for w in brief.meta.warnings if w.code.startswith("glossary-repair")] == [("s1", "ko")]


def test_the_title_reuses_a_memory_like_any_segment(tmp_path, store):
    settings = make_settings(tmp_path)
    resources = Resources(settings, models=FakeModelManager(settings))
    titled = build_brief("Officials Meet In Tokyo On Trade Ties\n\n" + ARTICLE,
                         BriefRequest(target_langs=("ja", "ko"), sentences=1), resources)
    store.add_units("desk", [MemoryUnit("en", "ja", "Officials Meet In Tokyo On Trade Ties", "東京で貿易協議")])
    apply_memory([titled], store, OPTIONS)
    assert titled.title is not None
    assert (titled.title.translations["ja"], titled.title.provenance["ja"]) == ("東京で貿易協議", "tm-exact")
    assert titled.title.provenance["ko"] == "model"
    [mention] = [m for m in _tokyo(titled).mentions if m.segment == "title" and m.lang == "ja"]
    assert titled.title.translations["ja"][mention.start:mention.end] == "東京"


def test_an_edit_keeping_a_short_rendering_keeps_the_mention() -> None:
    from service.brief import AlignedSegment, Brief, BriefMeta, EntityMention, EntityReport

    segment = AlignedSegment("s1", 0, "Foreign Minister Park said so.", {"ko": "박 장관이 말했다."})
    entity = EntityReport("Park Jin", "person", "glossary", "default", {"ko": "박진"},
                          [EntityMention("s1", "en", 17, 21), EntityMention("s1", "ko", 0, 1)],
                          short_renderings={"ko": "박"})
    brief = Brief([segment], [entity], BriefMeta(target_langs=["ko"]))
    assert replace_translation(brief, "s1", "ko", "박 외교장관이 그렇게 말했다.", "edited") == []
    assert [m for m in entity.mentions if m.lang == "ko"] == [EntityMention("s1", "ko", 0, 1)]
