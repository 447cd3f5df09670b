"""Shared per-process resources: the model manager and the glossary store.

One ``Resources`` lives per process (the CLI builds it in its command; the Flask
app keeps it in ``app.extensions``). Everything heavy is created lazily on first
use and then shared, so nothing loads at import or per request.
"""
from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from models.engines.base import Translator
from models.registry import ModelSpec
from models.summarizers.base import Summarizer
from service.settings import Settings

if TYPE_CHECKING:
    from service.glossary.store_api import GlossaryStoreProtocol
    from service.memory.store import MemoryStore
    from service.summary_cache import SummaryCache
    from service.translation_cache import TranslationCache

TranslatorWrapper = Callable[[Translator], Translator]


class ModelProvider(Protocol):
    """What the service needs of ``models.manager.ModelManager`` (tests inject fakes of it)."""

    # How long each loaded model took to load, keyed "task.key".
    load_times_ms: dict[str, float]

    def translator(self) -> Translator:
        """A Translator over every configured pair."""
        ...

    def translator_for(self, source_lang: str, target_lang: str) -> Translator:
        """The engine for one pair, loaded on first use; fails fast if its model is missing."""
        ...

    def summarizer(self, name: str | None = None) -> Summarizer:
        """The named (or default) summarizer, loaded on first use."""
        ...

    def preload(self, pairs: Iterable[str] | None = None, *, summarizers: Iterable[str] | None = None) -> None:
        """Load the given (or all configured) models now."""
        ...

    def status(self) -> list[dict[str, Any]]:
        """One row per configured model: installed, loaded, engine, licence."""
        ...

    def spec_for(self, task: str, key: str) -> ModelSpec:
        """The registry's spec for a task ("translation", "summarization", "embedding") and key."""
        ...


class Resources:
    """The model manager, glossary store and translator stack for one settings object."""

    def __init__(
        self,
        settings: Settings,
        *,
        models: ModelProvider | None = None,
        glossaries: GlossaryStoreProtocol | None = None,
        translator_wrapper: TranslatorWrapper | None = None,
    ) -> None:
        self.settings = settings
        self._models = models
        self._glossaries = glossaries
        self._translator_wrapper = translator_wrapper
        self._translator: Translator | None = None
        self._memories: MemoryStore | None = None
        self._translation_cache: TranslationCache | None = None
        self._summary_cache: SummaryCache | None = None
        self._summarizers: dict[str, Summarizer] = {}
        self._lock = threading.RLock()

    @property
    def models(self) -> ModelProvider:
        """The process's ``models.manager.ModelManager`` (or an injected fake)."""
        if self._models is None:
            with self._lock:
                if self._models is None:
                    from models.manager import ModelManager

                    self._models = ModelManager(self.settings)
        return self._models

    @property
    def glossaries(self) -> GlossaryStoreProtocol:
        """The process's ``GlossaryStore`` (or an injected fake)."""
        if self._glossaries is None:
            with self._lock:
                if self._glossaries is None:
                    from service.glossary.store import GlossaryStore

                    self._glossaries = GlossaryStore(self.settings.database_url,
                                                     pool_size=self.settings.store_pool_size)
        return self._glossaries

    @property
    def memories(self) -> MemoryStore:
        """The process's translation-memory store (in the same database as the glossaries)."""
        if self._memories is None:
            with self._lock:
                if self._memories is None:
                    from service.memory.store import MemoryStore

                    self._memories = MemoryStore(self.settings.database_url,
                                                 pool_size=self.settings.store_pool_size)
        return self._memories

    def translator(self) -> Translator:
        """The engine-level translator, wrapped once (e.g. by the HTTP micro-batcher), under the
        translation cache unless ``settings.cache`` is off."""
        if self._translator is None:
            with self._lock:
                if self._translator is None:
                    base = self.models.translator()
                    wrap = self._translator_wrapper
                    translator = wrap(base) if wrap else base
                    if self.settings.cache:
                        from service.translation_cache import CachingTranslator, report_to_app_metrics

                        translator = CachingTranslator(translator, self.translation_cache, self._cache_identity,
                                                       report_to_app_metrics)
                    self._translator = translator
        return self._translator

    @property
    def translation_cache(self) -> TranslationCache:
        """The process's translation cache (in the store database)."""
        if self._translation_cache is None:
            with self._lock:
                if self._translation_cache is None:
                    from service.translation_cache import TranslationCache

                    self._translation_cache = TranslationCache(self.settings.database_url,
                                                               self.settings.cache_max_entries)
        return self._translation_cache

    def summarizer(self, name: str | None = None) -> Summarizer:
        """The named (or default) summarizer, under the summary cache unless ``settings.cache`` is off."""
        name = name or self.settings.summarizer
        summarizer = self._summarizers.get(name)
        if summarizer is None:
            summarizer = self.models.summarizer(name)
            if self.settings.cache:
                from service.summary_cache import CachingSummarizer
                from service.translation_cache import app_metrics_reporter

                summarizer = CachingSummarizer(summarizer, self.summary_cache, self._summary_identity(name),
                                               app_metrics_reporter("observe_summary_cache"))
            with self._lock:
                summarizer = self._summarizers.setdefault(name, summarizer)
        return summarizer

    @property
    def summary_cache(self) -> SummaryCache:
        """The process's summary cache (in the store database, beside the translation cache)."""
        if self._summary_cache is None:
            with self._lock:
                if self._summary_cache is None:
                    from service.summary_cache import SummaryCache

                    self._summary_cache = SummaryCache(self.settings.database_url, self.settings.cache_max_entries)
        return self._summary_cache

    def _summary_identity(self, name: str) -> str:
        """Everything besides the sentences and the count that shapes a summary: model and options."""
        model: list[str] = []
        for task in ("summarization", "embedding"):  # "extractive" is served by the embedding model
            try:
                spec = self.models.spec_for(task, name)
            except ValueError:
                continue
            model = [task, spec.model, spec.revision, spec.engine, spec.local_path]
            break
        options = {k: v for k, v in dataclasses.asdict(self.settings.summary).items() if k != "embedding_cache_dir"}
        return json.dumps([name, model, options], sort_keys=True)

    def _cache_identity(self, source_lang: str, target_lang: str) -> str:
        """Everything besides the text that shapes an engine output: model, revision, engine, options."""
        spec = self.models.spec_for("translation", f"{source_lang}-{target_lang}")
        options = self.settings.translation
        return json.dumps([spec.model, spec.revision, spec.engine, spec.local_path, options.beam_size,
                           options.max_length, source_lang, target_lang])


def get_resources() -> Resources:
    """The current Flask app's shared Resources (flaskr's ``get_db``): models, glossary store, translators."""
    from flask import current_app

    return current_app.extensions["briefs"]
