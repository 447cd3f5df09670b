"""The summary cache: a summarizer's picks kept in the store, so a repeated brief (or an archive
re-run) does not embed and select again.

It wraps the summarizer the pipeline uses. The key covers everything that shapes a summary:
the summarizer's name, model, revision, engine and folder, the summary options (lead bias,
redundancy, minimum words, embedding backend), the sentence count asked for (what
``--sentences``/``--ratio`` come to) and the article's sentences with their headline flags.
It is a table of the translation cache's ``StoreCache``: the same store, the same bound
(``cache_max_entries``), off with ``BRIEFS_CACHE=off``, hits and misses in ``/metrics``.
"""
from __future__ import annotations

import json
from collections.abc import Sequence

from models.summarizers.base import SourceSentence, Summarizer, SummarySentence
from service.runtime.store_cache import CacheObserver, StoreCache, cache_key


class SummaryCache(StoreCache):
    """Cached summaries (table ``summary_cache``): JSON lists of ``[text, source_index]``."""

    table = "summary_cache"
    value_column = "summary"
    label = "summary cache"


def summary_key(identity: str, sentences: Sequence[str | SourceSentence], count: int) -> str:
    """The entry key: the summarizer's identity, the count and every sentence with its headline flag."""
    items = [[str(getattr(s, "text", s)), bool(getattr(s, "is_headline", False))] for s in sentences]
    return cache_key(identity, json.dumps([count, items], ensure_ascii=False))


class CachingSummarizer:
    """A Summarizer that answers a summary it has made before from the cache."""

    def __init__(self, inner: Summarizer, cache: SummaryCache, identity: str,
                 observe: CacheObserver | None = None) -> None:
        self.inner, self.cache, self.identity, self._observe = inner, cache, identity, observe
        self.name = inner.name

    def summarize(self, sentences: Sequence[str | SourceSentence], count: int) -> list[SummarySentence]:
        """The inner summarizer's answer, from the cache when the same summary was asked before."""
        if isinstance(sentences, str):
            raise TypeError("summarize takes a sequence of sentences, not one string")
        key = summary_key(self.identity, sentences, count)
        cached = self.cache.get_many([key]).get(key)
        if cached is not None:
            summary = [SummarySentence(text, index) for text, index in json.loads(cached)]
        else:
            summary = self.inner.summarize(sentences, count)
            value = [[s.text, s.source_index] for s in summary]
            self.cache.put_many({key: json.dumps(value, ensure_ascii=False)})
        hit = int(cached is not None)
        self.cache.count(hit, 1 - hit)
        if self._observe is not None:
            self._observe(hit, 1 - hit)
        return summary
