"""The translation cache: hits skip the engine, keys cover model/options/text, bounded, off switch, metrics."""
from __future__ import annotations

import pytest

from service.pipeline import BriefRequest, translate_segments
from service.runtime.resources import Resources
from service.runtime.store_cache import LOOKUP_CHUNK, StoreCache, cache_key
from service.runtime.summary_cache import SummaryCache
from service.runtime.translation_cache import CachingTranslator, TranslationCache
from tests.fakes import FakeModelManager, TaggingTranslator
from tests.helpers import make_settings

SENTENCES = ["The harbour reopened on Monday.", "Officials expect traffic to rise."]


def resources(tmp_path, **overrides) -> tuple[Resources, TaggingTranslator]:
    settings = make_settings(tmp_path, cache=True, **overrides)
    engine = TaggingTranslator()
    return Resources(settings, models=FakeModelManager(settings, translator=engine)), engine


def engine_texts(engine: TaggingTranslator) -> int:
    return sum(n for n, _, _ in engine.calls)


def test_repeated_segments_are_translated_once(tmp_path):
    res, engine = resources(tmp_path)
    first = translate_segments(SENTENCES, BriefRequest(target_langs=("ja", "ko")), res)
    sent = engine_texts(engine)
    again = translate_segments(SENTENCES, BriefRequest(target_langs=("ja", "ko")), res)
    assert engine_texts(engine) == sent  # every segment answered from the cache
    assert [s.translations for s in again.segments] == [s.translations for s in first.segments]
    assert res.translation_cache.hits >= len(SENTENCES) * 2


def test_only_new_text_reaches_the_engine(tmp_path):
    res, engine = resources(tmp_path)
    translator = res.translator()
    translator.translate_batch(SENTENCES, "en", "ja")
    engine.calls.clear()
    out = translator.translate_batch([SENTENCES[0], "A new sentence.", "A new sentence.", " "], "en", "ja")
    assert engine.calls == [(1, "en", "ja")]  # the new text once; the repeat and the blank never
    assert out == [f"<ja> {SENTENCES[0]}", "<ja> A new sentence.", "<ja> A new sentence.", ""]


def test_cache_survives_a_new_process(tmp_path):
    res, _ = resources(tmp_path)
    res.translator().translate_batch(SENTENCES, "en", "ja")
    again, engine = resources(tmp_path)
    again.translator().translate_batch(SENTENCES, "en", "ja")
    assert engine.calls == []


@pytest.mark.parametrize("change", [
    {"translation": {"beam_size": 1}},
    {"translation": {"max_length": 64}},
    {"models": {"translation": {"en-ja": {"revision": "v2"}}}},
    {"models": {"translation": {"en-ja": {"model": "someone/other-en-ja"}}}},
    {"models": {"translation": {"en-ja": {"engine": "transformers"}}}},
])
def test_model_revision_engine_and_options_are_part_of_the_key(tmp_path, change):
    res, _ = resources(tmp_path)
    res.translator().translate_batch(SENTENCES, "en", "ja")
    changed, engine = resources(tmp_path, **change)
    changed.translator().translate_batch(SENTENCES, "en", "ja")
    assert engine_texts(engine) == len(SENTENCES)


def test_target_language_is_part_of_the_key(tmp_path):
    res, engine = resources(tmp_path)
    res.translator().translate_batch(SENTENCES, "en", "ja")
    res.translator().translate_batch(SENTENCES, "en", "ko")
    assert engine.calls == [(2, "en", "ja"), (2, "en", "ko")]


def test_a_glossary_change_invalidates_only_the_segments_it_affects(tmp_path):
    """The glossary layer changes what the engine receives only for segments with the entry."""
    from service.glossary.model import GlossaryEntry

    res, engine = resources(tmp_path)
    texts = ["Kishida visited the harbour.", "Officials expect traffic to rise."]
    translate_segments(texts, BriefRequest(target_langs=("ja",)), res)
    engine.calls.clear()
    entry = GlossaryEntry(source="Kishida", renderings={"ja": "岸田"})
    translate_segments(texts, BriefRequest(target_langs=("ja",), inline_glossary=(entry,)), res)
    assert engine_texts(engine) <= 1  # at most the segment naming Kishida


def test_cache_off_sends_everything_to_the_engine(tmp_path):
    settings = make_settings(tmp_path, cache=False)
    engine = TaggingTranslator()
    res = Resources(settings, models=FakeModelManager(settings, translator=engine))
    assert not isinstance(res.translator(), CachingTranslator)
    res.translator().translate_batch(SENTENCES, "en", "ja")
    res.translator().translate_batch(SENTENCES, "en", "ja")
    assert engine_texts(engine) == 2 * len(SENTENCES)


@pytest.mark.parametrize("value", ["off", "false", "0"])
def test_briefs_cache_off_in_the_environment(value):
    from service.settings import load_settings

    assert load_settings(environ={"BRIEFS_CACHE": value}).cache is False


def test_entries_are_bounded_least_recently_used_first(store_url):
    cache = TranslationCache(store_url, max_entries=20)
    for n in range(60):
        cache.put_many({cache_key("id", f"text {n}"): f"out {n}"})
        if n >= 1:
            cache.get_many([cache_key("id", "text 0")])  # keep the first one in use
    assert cache.entries() <= 21  # pruned in steps of 5% of the bound
    assert cache.get_many([cache_key("id", "text 0")]) == {cache_key("id", "text 0"): "out 0"}
    assert cache.get_many([cache_key("id", "text 1")]) == {}


def test_bound_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="cache_max_entries"):
        TranslationCache(tmp_path / "c.sqlite3", max_entries=0)


def test_hits_and_misses_in_metrics(tmp_path):
    from service.api.app import create_app

    settings = make_settings(tmp_path, cache=True)
    res = Resources(settings, models=FakeModelManager(settings))
    client = create_app(settings, resources=res).test_client()
    for _ in range(2):
        assert client.post("/v1/translate", json={"segments": SENTENCES, "target_langs": ["ja"]}).status_code == 200
    text = client.get("/metrics").get_data(as_text=True)
    assert 'briefs_translation_cache_total{result="miss"} 2.0' in text
    assert 'briefs_translation_cache_total{result="hit"} 2.0' in text


@pytest.mark.parametrize("cache_class", [TranslationCache, SummaryCache])
def test_both_caches_store_overwrite_and_find_many_on_both_backends(store_url, cache_class: type[StoreCache]):
    cache = cache_class(store_url, max_entries=10_000)
    entries = {cache_key("id", f"text {n}"): f"out {n}" for n in range(LOOKUP_CHUNK * 2 + 3)}  # several lookups
    cache.put_many(entries)
    cache.put_many({cache_key("id", "text 0"): "changed"})
    again = cache_class(store_url, max_entries=10_000)  # another process's view of the same store
    found = again.get_many([*entries, cache_key("id", "never stored")])
    assert found == {**entries, cache_key("id", "text 0"): "changed"}
