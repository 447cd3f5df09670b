"""The translation cache: engine outputs kept in the store, so a repeated brief or a re-run over
an archive does not translate the same sentence twice.

It wraps the engine-level translator (under the glossary layer), so the key is the exact text
the engine receives plus everything that shapes its output: model, revision, engine, the
translation options and the language pair. Glossaries act on the text before and after the
engine; an entry change that alters what the engine receives is a different key, and one that
does not leaves the engine's output unchanged, so changing a glossary invalidates exactly the
segments it affects. Entries are bounded (``cache_max_entries``, least recently used dropped
first). ``BRIEFS_CACHE=off`` disables the cache. Hits and misses go to ``/metrics``.

``StoreCache`` (``service.runtime.store_cache``) is the bounded key -> text table underneath;
the summary cache (``service.runtime.summary_cache``) is another table of it.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from models.engines.base import Translator
from service.runtime.store_cache import CacheObserver, StoreCache, cache_key

Identity = Callable[[str, str], str]  # (source_lang, target_lang) -> what besides the text shapes the output


class TranslationCache(StoreCache):
    """Cached engine translations (table ``translation_cache``)."""

    table = "translation_cache"
    value_column = "translation"
    label = "translation cache"


class CachingTranslator:
    """A Translator that answers from the cache and sends only the misses (once each) to ``inner``."""

    def __init__(self, inner: Translator, cache: TranslationCache, identity: Identity,
                 observe: CacheObserver | None = None) -> None:
        self.inner, self.cache, self._identity, self._observe = inner, cache, identity, observe

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        """One translation per input, in order; blank inputs bypass the cache."""
        identity = self._identity(source_lang, target_lang)
        keys = [cache_key(identity, t) if t.strip() else "" for t in texts]
        found = self.cache.get_many([k for k in keys if k])
        hits = sum(1 for k in keys if k in found)
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k and k not in found))
        if missing:
            translated = self.inner.translate_batch(missing, source_lang, target_lang)
            fresh = {cache_key(identity, t): out for t, out in zip(missing, translated, strict=True)}
            self.cache.put_many(fresh)
            found.update(fresh)
        self.cache.count(hits, len(missing))
        if self._observe is not None:
            self._observe(hits, len(missing))
        return [found[k] if k else "" for k in keys]
