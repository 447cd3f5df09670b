"""The translation cache: engine outputs kept in the store, so a repeated brief or a re-run over
an archive does not translate the same sentence twice.

It wraps the engine-level translator (under the glossary layer), so the key is the exact text
the engine receives plus everything that shapes its output: model, revision, engine, the
translation options and the language pair. Glossaries act on the text before and after the
engine; an entry change that alters what the engine receives is a different key, and one that
does not leaves the engine's output unchanged, so changing a glossary invalidates exactly the
segments it affects. Entries are bounded (``cache_max_entries``, least recently used dropped
first). ``BRIEFS_CACHE=off`` disables the cache. Hits and misses go to ``/metrics``.

Each entry keeps the engine's score of its output beside the text (``translate_scored``): the
same model, options and input give the same score, so a brief answered from the cache gets the
same quality verdict as when it was first translated. Entries written before scores were kept
(schema 1) have none; their confidence signal is not judged until they are translated again.

``StoreCache`` (``service.runtime.store_cache``) is the bounded key -> text table underneath;
the summary cache (``service.runtime.summary_cache``) is another table of it.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection, text

from models.engines.base import Scored, Translator, translate_scored
from service.runtime.store_cache import CacheObserver, StoreCache, cache_key
from service.storage.db import Migration

Identity = Callable[[str, str], str]  # (source_lang, target_lang) -> what besides the text shapes the output


class TranslationCache(StoreCache):
    """Cached engine translations (table ``translation_cache``)."""

    table = "translation_cache"
    value_column = "translation"
    label = "translation cache"
    extra_columns = ("score",)

    def migrations(self) -> list[Migration]:
        """Schema 2 adds the engine's score of each entry (NULL for older entries)."""
        return [*super().migrations(), _add_score]

    def get_scored(self, keys: Sequence[str]) -> dict[str, Scored]:
        """The cached translations and scores of those ``keys`` that have one; marks them used."""
        return {key: Scored(row["translation"], None if row["score"] is None else float(row["score"]))
                for key, row in self.get_rows(keys).items()}

    def put_scored(self, entries: dict[str, Scored]) -> None:
        """Store translations with their scores."""
        self.put_rows({key: {"translation": s.text, "score": s.score} for key, s in entries.items()})


def _add_score(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE translation_cache ADD COLUMN score DOUBLE PRECISION"))


class CachingTranslator:
    """A Translator that answers from the cache and sends only the misses (once each) to ``inner``."""

    def __init__(self, inner: Translator, cache: TranslationCache, identity: Identity,
                 observe: CacheObserver | None = None) -> None:
        self.inner, self.cache, self._identity, self._observe = inner, cache, identity, observe

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        """One translation per input, in order; blank inputs bypass the cache."""
        return [scored.text for scored in self.translate_scored(texts, source_lang, target_lang)]

    def translate_scored(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[Scored]:
        """One scored translation per input, in order (a hit has the score it was stored with)."""
        identity = self._identity(source_lang, target_lang)
        keys = [cache_key(identity, t) if t.strip() else "" for t in texts]
        found = self.cache.get_scored([k for k in keys if k])
        hits = sum(1 for k in keys if k in found)
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k and k not in found))
        if missing:
            translated = translate_scored(self.inner, missing, source_lang, target_lang)
            fresh = {cache_key(identity, t): out for t, out in zip(missing, translated, strict=True)}
            self.cache.put_scored(fresh)
            found.update(fresh)
        self.cache.count(hits, len(missing))
        if self._observe is not None:
            self._observe(hits, len(missing))
        return [found[k] if k else Scored("") for k in keys]
