"""The summary cache: a repeated brief is not summarized again; the key covers the summarizer's
model, options, count and the article; bounded like the translation cache; off switch; metrics."""
from __future__ import annotations

from collections.abc import Sequence

import pytest

from models.summarizers.base import SummarySentence
from service.pipeline import BriefRequest, build_brief, build_briefs
from service.pipeline.segmentation import Sentence
from service.runtime.resources import Resources
from service.runtime.summary_cache import CachingSummarizer, SummaryCache, summary_key
from tests.fakes import FakeModelManager, LeadSummarizer
from tests.helpers import make_settings

ARTICLE = ("The harbour reopened on Monday after the storm. Officials expect traffic to rise this week. "
           "Ferries will run on the winter timetable until March. Dock workers cleared the debris overnight. "
           "The port authority thanked the volunteers who helped.")


class CountingSummarizer(LeadSummarizer):
    """The lead summarizer, counting its calls (each one is an embedding pass in the real one)."""

    def __init__(self) -> None:
        self.calls = 0

    def summarize(self, sentences: Sequence[str], count: int) -> list[SummarySentence]:
        self.calls += 1
        return super().summarize(sentences, count)


def resources(tmp_path, **overrides) -> tuple[Resources, CountingSummarizer]:
    settings = make_settings(tmp_path, **{"cache": True, **overrides})
    summarizer = CountingSummarizer()
    return Resources(settings, models=FakeModelManager(settings, summarizer=summarizer)), summarizer


def test_a_repeated_brief_is_summarized_once(tmp_path):
    res, summarizer = resources(tmp_path)
    request = BriefRequest(target_langs=("ja",), sentences=2)
    first = build_brief(ARTICLE, request, res)
    again = build_brief(ARTICLE, request, res)
    assert summarizer.calls == 1
    assert again.to_dict()["segments"] == first.to_dict()["segments"]
    assert (res.summary_cache.hits, res.summary_cache.misses) == (1, 1)


def test_a_new_article_misses(tmp_path):
    res, summarizer = resources(tmp_path)
    request = BriefRequest(target_langs=("ja",), sentences=2)
    build_brief(ARTICLE, request, res)
    build_brief(ARTICLE.replace("Monday", "Tuesday"), request, res)
    assert summarizer.calls == 2
    assert res.summary_cache.misses == 2


@pytest.mark.parametrize("changed", [
    BriefRequest(target_langs=("ja",), sentences=3),
    BriefRequest(target_langs=("ja",), ratio=0.8),
])
def test_a_changed_count_misses(tmp_path, changed):
    res, summarizer = resources(tmp_path)
    build_brief(ARTICLE, BriefRequest(target_langs=("ja",), sentences=2), res)
    brief = build_brief(ARTICLE, changed, res)
    assert summarizer.calls == 2
    assert len(brief.segments) != 2


def test_another_target_language_reuses_the_summary(tmp_path):
    res, summarizer = resources(tmp_path)
    build_brief(ARTICLE, BriefRequest(target_langs=("ja",), sentences=2), res)
    build_brief(ARTICLE, BriefRequest(target_langs=("ko",), sentences=2), res)
    assert summarizer.calls == 1  # the summary does not depend on the target language


@pytest.mark.parametrize("change", [
    {"summary": {"lead_bias": 0.5}},
    {"summary": {"redundancy": 0.9}},
    {"summary": {"min_words": 3}},
    {"summary": {"embedding_engine": "torch"}},
    {"models": {"embedding": {"extractive": {"revision": "0.2.0"}}}},
    {"models": {"embedding": {"extractive": {"model": "someone/other-minilm"}}}},
])
def test_model_revision_and_summary_options_are_part_of_the_key(tmp_path, change):
    res, _ = resources(tmp_path)
    build_brief(ARTICLE, BriefRequest(target_langs=("ja",), sentences=2), res)
    changed, summarizer = resources(tmp_path, **change)
    build_brief(ARTICLE, BriefRequest(target_langs=("ja",), sentences=2), changed)
    assert summarizer.calls == 1


def test_the_conversion_folder_is_not_part_of_the_key(tmp_path):
    res, _ = resources(tmp_path)
    build_brief(ARTICLE, BriefRequest(target_langs=("ja",), sentences=2), res)
    moved, summarizer = resources(tmp_path, summary={"embedding_cache_dir": str(tmp_path / "elsewhere")})
    build_brief(ARTICLE, BriefRequest(target_langs=("ja",), sentences=2), moved)
    assert summarizer.calls == 0


def test_the_summarizer_name_is_part_of_the_key() -> None:
    sentences = ["One sentence here.", "Another sentence there."]
    assert summary_key("extractive", sentences, 1) != summary_key("abstractive", sentences, 1)


def test_headline_flags_are_part_of_the_key() -> None:
    plain = [Sentence("Harbour Reopens", 0, 15), Sentence("The harbour reopened.", 16, 37)]
    headed = [Sentence("Harbour Reopens", 0, 15, is_headline=True), plain[1]]
    assert summary_key("x", plain, 1) != summary_key("x", headed, 1)
    assert summary_key("x", plain, 1) == summary_key("x", [s.text for s in plain], 1)


def test_the_cache_survives_a_new_process(tmp_path):
    res, _ = resources(tmp_path)
    build_brief(ARTICLE, BriefRequest(target_langs=("ja",), sentences=2), res)
    again, summarizer = resources(tmp_path)
    build_brief(ARTICLE, BriefRequest(target_langs=("ja",), sentences=2), again)
    assert summarizer.calls == 0


def test_many_articles_in_one_call_each_use_the_cache(tmp_path):
    res, summarizer = resources(tmp_path)
    articles = [ARTICLE, ARTICLE.replace("Monday", "Friday")]
    build_briefs(articles, BriefRequest(target_langs=("ja",), sentences=2), res)
    build_briefs(articles, BriefRequest(target_langs=("ja",), sentences=2), res)
    assert summarizer.calls == 2


def test_cache_off_summarizes_every_time(tmp_path):
    res, summarizer = resources(tmp_path, cache=False)
    assert not isinstance(res.summarizer(), CachingSummarizer)
    for _ in range(2):
        build_brief(ARTICLE, BriefRequest(target_langs=("ja",), sentences=2), res)
    assert summarizer.calls == 2


def test_briefs_cache_off_in_the_environment_turns_it_off(tmp_path):
    from service.settings import load_settings

    settings = load_settings(overrides={"store_path": str(tmp_path / "s.sqlite3")}, environ={"BRIEFS_CACHE": "off"})
    res = Resources(settings, models=FakeModelManager(settings))
    assert not isinstance(res.summarizer(), CachingSummarizer)


def test_entries_are_bounded_least_recently_used_first(tmp_path):
    cache = SummaryCache(tmp_path / "c.sqlite3", max_entries=20)
    summarizer = CachingSummarizer(CountingSummarizer(), cache, "id")
    first = [f"Sentence {i} of the first article." for i in range(3)]
    for n in range(60):
        summarizer.summarize([f"Article {n} opens here.", "It goes on."], 1)
        summarizer.summarize(first, 1)  # keep the first one in use
    assert cache.entries() <= 21  # pruned in steps of 5% of the bound, as the translation cache
    inner = summarizer.inner
    before = inner.calls
    summarizer.summarize(first, 1)
    summarizer.summarize(["Article 0 opens here.", "It goes on."], 1)
    assert inner.calls == before + 1  # the recently used one hit; the oldest was dropped


def test_bound_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="cache_max_entries"):
        SummaryCache(tmp_path / "c.sqlite3", max_entries=0)


def test_a_bad_count_is_refused_and_not_cached(tmp_path):
    summarizer = CachingSummarizer(LeadSummarizerChecking(), SummaryCache(tmp_path / "c.sqlite3", 10), "id")
    with pytest.raises(ValueError, match="count must be >= 1"):
        summarizer.summarize(["One.", "Two."], 0)
    assert summarizer.cache.entries() == 0


class LeadSummarizerChecking(LeadSummarizer):
    def summarize(self, sentences: Sequence[str], count: int) -> list[SummarySentence]:
        if count < 1:
            raise ValueError("count must be >= 1")
        return super().summarize(sentences, count)


def test_summary_and_translation_caches_share_the_store(tmp_path):
    res, _ = resources(tmp_path)
    build_brief(ARTICLE, BriefRequest(target_langs=("ja",), sentences=2), res)
    assert res.summary_cache.url == res.translation_cache.url
    assert res.summary_cache.entries() == 1
    assert res.translation_cache.entries() == 2


def test_hits_and_misses_in_metrics(tmp_path):
    from service.api.app import create_app

    settings = make_settings(tmp_path, cache=True)
    res = Resources(settings, models=FakeModelManager(settings))
    client = create_app(settings, resources=res).test_client()
    for _ in range(3):
        assert client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 2}).status_code == 200
    text = client.get("/metrics").get_data(as_text=True)
    assert 'briefs_summary_cache_total{result="miss"} 1.0' in text
    assert 'briefs_summary_cache_total{result="hit"} 2.0' in text
