"""Test doubles. Nothing here is a translation: fakes tag text so tests can trace it."""
from __future__ import annotations

import threading
from collections.abc import Sequence

from models.engines.base import Scored
from models.registry import ModelRegistry, ModelSpec
from models.summarizers.base import SummarySentence


class TaggingTranslator:
    """Returns ``<lang>`` + the source text, so each output is traceable to its input."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, str, str]] = []
        self._lock = threading.Lock()

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        with self._lock:
            self.calls.append((len(texts), source_lang, target_lang))
        return [f"<{target_lang}> {t}" if t.strip() else "" for t in texts]


class DictTranslator:
    """Looks each sentence up in a dict; unknown sentences come back empty."""

    def __init__(self, table: dict[tuple[str, str], str]) -> None:
        self.table = table

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        return [self.table.get((t, target_lang), "") for t in texts]


class LeadSummarizer:
    """Keeps the first ``count`` sentences that are no headline (as the extractive summarizer honours them)."""

    name = "extractive"

    def summarize(self, sentences: Sequence[str], count: int) -> list[SummarySentence]:
        body = [(i, s) for i, s in enumerate(sentences) if not getattr(s, "is_headline", False)]
        return [SummarySentence(getattr(s, "text", s), i) for i, s in body[:count]]


class FakeModelManager:
    """The ModelManager surface the pipeline uses, over injected doubles."""

    def __init__(self, settings, translator=None, summarizer=None, ner=None) -> None:
        self.registry = ModelRegistry(settings)
        self._ner = ner  # a loaded NER pipeline (models.ner.SpacyNer) or None: not installed
        self._translator = translator or TaggingTranslator()
        self._summarizer = summarizer or LeadSummarizer()
        self.is_tiny = False
        self.load_times_ms: dict[str, float] = {}
        self.preloaded: list[str] = []

    def translator(self):
        return self._translator

    def translator_for(self, source_lang: str, target_lang: str):
        self.spec_for("translation", f"{source_lang}-{target_lang}")
        return self._translator

    def preload(self, pairs=None, *, summarizers=None, verify=False) -> None:
        self.preloaded.extend(pairs or [s.key for s in self.registry.specs() if s.task == "translation"])

    def summarizer(self, name: str | None = None):
        return self._summarizer

    def spec_for(self, task: str, key: str) -> ModelSpec:
        return self.registry.get(task, key)

    def summarizer_spec(self, name: str) -> ModelSpec:
        return self.registry.summarizer_spec(name)

    def ner(self, *, required: bool = False):
        return self._ner

    def status(self) -> list[dict]:
        return [{"task": s.task, "key": s.key, "model": s.model, "engine": s.engine, "license": s.license,
                 "installed": s.task != "ner" or self._ner is not None,
                 "loaded": s.task != "ner" or self._ner is not None} for s in self.registry.specs()]


class ScoringTranslator(TaggingTranslator):
    """A TaggingTranslator that also scores each output: minus the input's length / 100, so a
    test can tell which input a score belongs to (engines give the mean log-probability per token)."""

    def translate_scored(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[Scored]:
        outputs = self.translate_batch(texts, source_lang, target_lang)
        return [Scored(out, -len(text) / 100 if text.strip() else None)
                for text, out in zip(texts, outputs, strict=True)]
