"""Engine scores pass through the translator stack: micro-batcher, translation cache, deadline batches, router."""
from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

from models.engines.base import Scored, translate_scored
from service.pipeline import BriefRequest, translate_segments
from service.runtime.batching import MicroBatchTranslator
from service.runtime.request_budget import Deadline, DeadlineTranslator
from service.runtime.resources import Resources
from service.runtime.translation_cache import TranslationCache
from tests.fakes import FakeModelManager, ScoringTranslator
from tests.helpers import make_settings
from tests.service.runtime.test_batching import WAIT_S, GatedTranslator, gathered

SENTENCES = ["The harbour reopened on Monday.", "Officials expect traffic to rise sharply."]


def expected(texts, lang="ja"):
    return [Scored(f"<{lang}> {t}", -len(t) / 100) for t in texts]


class GatedScoring(GatedTranslator):
    """The gated engine of the micro-batcher tests, scoring each output as ScoringTranslator does."""

    def translate_scored(self, texts, source_lang, target_lang):
        outputs = self.translate_batch(texts, source_lang, target_lang)
        return [Scored(out, -len(text) / 100) for text, out in zip(texts, outputs, strict=True)]


def test_micro_batched_callers_each_get_their_own_scores():
    inner = GatedScoring()
    jobs = [[f"caller {n} sentence {k}" for k in range(n % 3 + 1)] for n in range(6)]
    total = sum(map(len, jobs))
    batcher = MicroBatchTranslator(inner, max_batch_size=100, max_wait_ms=0)
    with ThreadPoolExecutor(len(jobs) + 1) as pool:
        first = pool.submit(batcher.translate_scored, [GatedTranslator.HOLD], "en", "ja")
        assert inner.entered.wait(WAIT_S)
        futures = [pool.submit(batcher.translate_scored, job, "en", "ja") for job in jobs]
        gathered(batcher, total)
        inner.gate.set()
        results = [f.result(WAIT_S) for f in futures]
        assert first.result(WAIT_S) == expected([GatedTranslator.HOLD])
    assert inner.calls == [(1, "en", "ja"), (total, "en", "ja")], "the callers shared one engine call"
    assert results == [expected(job) for job in jobs]


def test_deadline_batches_keep_scores():
    translator = DeadlineTranslator(ScoringTranslator(), Deadline.after(60), batch_size=1)
    assert translator.translate_scored(SENTENCES, "en", "ja") == expected(SENTENCES)


def test_a_cache_hit_has_the_score_it_was_stored_with(tmp_path):
    settings = make_settings(tmp_path, cache=True)
    engine = ScoringTranslator()
    res = Resources(settings, models=FakeModelManager(settings, translator=engine))
    first = translate_scored(res.translator(), SENTENCES, "en", "ja")
    calls = len(engine.calls)
    again = translate_scored(res.translator(), SENTENCES, "en", "ja")
    assert len(engine.calls) == calls, "answered from the cache"
    assert first == again == expected(SENTENCES)


def test_a_brief_from_the_cache_gets_the_same_verdict(tmp_path):
    settings = make_settings(tmp_path, cache=True)
    res = Resources(settings, models=FakeModelManager(settings, translator=ScoringTranslator()))
    request = BriefRequest(target_langs=("ja",))
    first = translate_segments(SENTENCES, request, res)
    again = translate_segments(SENTENCES, request, res)
    assert [s.quality for s in again.segments] == [s.quality for s in first.segments]
    assert [s.quality["ja"].confidence for s in first.segments] == [-len(t) / 100 for t in SENTENCES]


def test_entries_cached_before_scores_were_kept_have_none(tmp_path):
    """A store made by the schema-1 cache (text only) is migrated in place; its entries keep no score."""
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE translation_cache_schema (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO translation_cache_schema (version) VALUES (1)")
        conn.execute("CREATE TABLE translation_cache (key VARCHAR(64) PRIMARY KEY, translation TEXT NOT NULL, "
                     "used_at DOUBLE PRECISION NOT NULL)")
        conn.execute("INSERT INTO translation_cache VALUES ('k1', 'old text', 0)")
    cache = TranslationCache(path, max_entries=10)
    assert cache.get_scored(["k1"]) == {"k1": Scored("old text", None)}
    cache.put_scored({"k2": Scored("new text", -0.5)})
    assert cache.get_scored(["k1", "k2"])["k2"] == Scored("new text", -0.5)
    assert cache.get_many(["k1", "k2"]) == {"k1": "old text", "k2": "new text"}
    cache.close()


def test_the_router_passes_the_engines_scores(tmp_path):
    from models.manager import ModelManager

    settings = make_settings(tmp_path)
    engine = ScoringTranslator()
    manager = ModelManager(settings, translator_factory=lambda spec, path, options: engine)
    manager._installed_path = lambda spec: tmp_path  # no model files: the factory ignores the path
    assert manager.translator().translate_scored(SENTENCES, "en", "ja") == expected(SENTENCES)
