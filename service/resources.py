"""Shared per-process resources: the model manager and the glossary store.

One ``Resources`` lives per process (the CLI builds it in its command; the Flask
app keeps it in ``app.extensions``). Everything heavy is created lazily on first
use and then shared, so nothing loads at import or per request.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from models.engines.base import Translator
from service.settings import Settings

TranslatorWrapper = Callable[[Translator], Translator]


class Resources:
    """The model manager, glossary store and translator stack for one settings object."""

    def __init__(
        self,
        settings: Settings,
        *,
        models: Any | None = None,
        glossaries: Any | None = None,
        translator_wrapper: TranslatorWrapper | None = None,
    ) -> None:
        self.settings = settings
        self._models = models
        self._glossaries = glossaries
        self._translator_wrapper = translator_wrapper
        self._translator: Translator | None = None
        self._lock = threading.RLock()

    @property
    def models(self) -> Any:
        """The process's ``models.manager.ModelManager`` (or an injected fake)."""
        if self._models is None:
            with self._lock:
                if self._models is None:
                    from models.manager import ModelManager

                    self._models = ModelManager(self.settings)
        return self._models

    @property
    def glossaries(self) -> Any:
        """The process's ``GlossaryStore`` (or an injected fake)."""
        if self._glossaries is None:
            with self._lock:
                if self._glossaries is None:
                    from service.glossary.store import GlossaryStore

                    self._glossaries = GlossaryStore(self.settings.store_path)
        return self._glossaries

    def translator(self) -> Translator:
        """The engine-level translator, wrapped once (e.g. by the HTTP micro-batcher)."""
        if self._translator is None:
            with self._lock:
                if self._translator is None:
                    base = self.models.translator()
                    wrap = self._translator_wrapper
                    self._translator = wrap(base) if wrap else base
        return self._translator
