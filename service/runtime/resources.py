"""Shared per-process resources: the model manager, the stores and the translator stack.

One ``Resources`` lives per process (the CLI builds it in its command; the Flask app keeps it
in ``app.extensions`` and its views reach it through ``service.api.context.get_resources``).
Everything heavy is created lazily on first use and then shared, so nothing loads at import
or per request.
"""
from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from models.engines.base import Translator
from models.registry import ModelSpec
from models.summarizers.base import Summarizer
from service.errors import BadInputError
from service.runtime.store_cache import CacheObserver
from service.settings import Settings

if TYPE_CHECKING:
    from service.glossary.detection import NameDetector
    from service.glossary.ner import NerModel
    from service.glossary.store_api import GlossaryStoreProtocol
    from service.memory.store import MemoryStore
    from service.runtime.summary_cache import SummaryCache
    from service.runtime.translation_cache import TranslationCache

TranslatorWrapper = Callable[[Translator], Translator]
T = TypeVar("T")


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

    def preload(self, pairs: Iterable[str] | None = None, *, summarizers: Iterable[str] | None = None,
                verify: bool = False) -> None:
        """Load the given (or all configured) models now."""
        ...

    def status(self) -> list[dict[str, Any]]:
        """One row per configured model: installed, loaded, engine, licence."""
        ...

    def ner(self, *, required: bool = False) -> NerModel | None:
        """The NER pipeline, loaded on first use; None when none is installed (unless ``required``)."""
        ...

    def spec_for(self, task: str, key: str) -> ModelSpec:
        """The registry's spec for a task ("translation", "summarization", "embedding") and key."""
        ...

    def summarizer_spec(self, name: str) -> ModelSpec:
        """The spec that serves a summarizer name (``extractive`` is served by the embedding model)."""
        ...


class Lazy(Generic[T]):
    """A value made on first use, once per process, under its own lock (or given up front)."""

    def __init__(self, make: Callable[[], T], value: T | None = None) -> None:
        self._make = make
        self._value = value
        self._lock = threading.Lock()

    def get(self) -> T:
        """The value, made now if this is the first call."""
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._make()
        return self._value


@dataclass
class CacheObservers:
    """Who hears each cache call's hits and misses (the HTTP app counts them in ``/metrics``)."""

    translation: CacheObserver | None = None
    summary: CacheObserver | None = None


class Resources:
    """The model manager, stores and translator stack for one settings object."""

    def __init__(
        self,
        settings: Settings,
        *,
        models: ModelProvider | None = None,
        glossaries: GlossaryStoreProtocol | None = None,
        translator_wrapper: TranslatorWrapper | None = None,
        cache_observers: CacheObservers | None = None,
        detector: NameDetector | None = None,
    ) -> None:
        self.settings = settings
        self.cache_observers = cache_observers or CacheObservers()
        self._translator_wrapper = translator_wrapper
        self._models: Lazy[ModelProvider] = Lazy(self._make_models, models)
        self._glossaries: Lazy[GlossaryStoreProtocol] = Lazy(self._make_glossaries, glossaries)
        self._memories: Lazy[MemoryStore] = Lazy(self._make_memories)
        self._translation_cache: Lazy[TranslationCache] = Lazy(self._make_translation_cache)
        self._summary_cache: Lazy[SummaryCache] = Lazy(self._make_summary_cache)
        self._translator: Lazy[Translator] = Lazy(self._make_translator)
        self._detector: Lazy[tuple[NameDetector | None]] = Lazy(
            self._make_detector, (detector,) if detector is not None else None)
        self._summarizers: dict[str, Summarizer] = {}
        self._summarizers_lock = threading.Lock()

    @property
    def models(self) -> ModelProvider:
        """The process's ``models.manager.ModelManager`` (or an injected fake)."""
        return self._models.get()

    @property
    def glossaries(self) -> GlossaryStoreProtocol:
        """The process's ``GlossaryStore`` (or an injected fake)."""
        return self._glossaries.get()

    @property
    def memories(self) -> MemoryStore:
        """The process's translation-memory store (in the same database as the glossaries)."""
        return self._memories.get()

    @property
    def translation_cache(self) -> TranslationCache:
        """The process's translation cache (in the store database)."""
        return self._translation_cache.get()

    @property
    def summary_cache(self) -> SummaryCache:
        """The process's summary cache (in the store database, beside the translation cache)."""
        return self._summary_cache.get()

    def translator(self) -> Translator:
        """The engine-level translator, wrapped once (e.g. by the HTTP micro-batcher), under the
        translation cache unless ``settings.cache`` is off."""
        return self._translator.get()

    def name_detector(self) -> NameDetector | None:
        """What finds names no glossary knows (``entities.detector``): the spaCy NER pipeline when one is
        installed ("auto") or required ("ner"), else the heuristic detector; None when "off"."""
        return self._detector.get()[0]

    def summarizer(self, name: str | None = None) -> Summarizer:
        """The named (or default) summarizer, under the summary cache unless ``settings.cache`` is off."""
        name = name or self.settings.summarizer
        summarizer = self._summarizers.get(name)
        if summarizer is None:
            summarizer = self.models.summarizer(name)
            if self.settings.cache:
                from service.runtime.summary_cache import CachingSummarizer

                summarizer = CachingSummarizer(summarizer, self.summary_cache, self._summary_identity(name),
                                               self._observe_summary_cache)
            with self._summarizers_lock:
                summarizer = self._summarizers.setdefault(name, summarizer)
        return summarizer

    def _make_models(self) -> ModelProvider:
        from models.manager import ModelManager

        return ModelManager(self.settings)

    def _make_detector(self) -> tuple[NameDetector | None]:
        from service.glossary.heuristic import HeuristicDetector
        from service.glossary.ner import NerDetector

        mode = self.settings.entities.detector
        if mode == "off":
            return (None,)
        pipeline = self.models.ner(required=mode == "ner") if mode != "heuristic" else None
        return (NerDetector(pipeline) if pipeline is not None else HeuristicDetector(),)

    def _make_glossaries(self) -> GlossaryStoreProtocol:
        from service.glossary.store import GlossaryStore

        return GlossaryStore(self.settings.database_url, pool_size=self.settings.store_pool_size)

    def _make_memories(self) -> MemoryStore:
        from service.memory.store import MemoryStore

        return MemoryStore(self.settings.database_url, pool_size=self.settings.store_pool_size)

    def _make_translation_cache(self) -> TranslationCache:
        from service.runtime.translation_cache import TranslationCache

        return TranslationCache(self.settings.database_url, self.settings.cache_max_entries)

    def _make_summary_cache(self) -> SummaryCache:
        from service.runtime.summary_cache import SummaryCache

        return SummaryCache(self.settings.database_url, self.settings.cache_max_entries)

    def _make_translator(self) -> Translator:
        base = self.models.translator()
        translator = self._translator_wrapper(base) if self._translator_wrapper else base
        if self.settings.cache:
            from service.runtime.translation_cache import CachingTranslator

            translator = CachingTranslator(translator, self.translation_cache, self._cache_identity,
                                           self._observe_translation_cache)
        return translator

    def _observe_translation_cache(self, hits: int, misses: int) -> None:
        if self.cache_observers.translation is not None:
            self.cache_observers.translation(hits, misses)

    def _observe_summary_cache(self, hits: int, misses: int) -> None:
        if self.cache_observers.summary is not None:
            self.cache_observers.summary(hits, misses)

    def _summary_identity(self, name: str) -> str:
        """Everything besides the sentences and the count that shapes a summary: model and options."""
        model: list[str] = []
        try:
            spec = self.models.summarizer_spec(name)
            model = [spec.task, *spec.identity()]
        except BadInputError:
            pass  # a summarizer the registry does not know (an injected one) has no model to name
        options = {k: v for k, v in dataclasses.asdict(self.settings.summary).items() if k != "embedding_cache_dir"}
        return json.dumps([name, model, options], sort_keys=True)

    def _cache_identity(self, source_lang: str, target_lang: str) -> str:
        """Everything besides the text that shapes an engine output: model, revision, engine, options."""
        spec = self.models.spec_for("translation", f"{source_lang}-{target_lang}")
        options = self.settings.translation
        return json.dumps([*spec.identity(), options.beam_size, options.max_length, source_lang, target_lang])
