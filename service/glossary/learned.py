"""Names no glossary knows: found in the English (by :mod:`service.glossary.ner` or
:mod:`service.glossary.heuristic`), translated once in isolation, then reused.

A ``LearnedGlossary`` lives for one job (a brief, a batch), so every mention of a name in every
segment and language gets the same rendering, and can be promoted into a named glossary.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from models.engines.base import Translator
from service.glossary.model import ENTRY_TYPES, GlossaryEntry

LEARNED_GLOSSARY_NAME = "learned"


@dataclass
class _Learned:
    kind: str
    renderings: dict[str, str]
    detector: str = "heuristic"


class LearnedGlossary:
    """Per-job renderings of names no glossary knows; thread-safe, first rendering wins."""

    def __init__(self) -> None:
        self._names: dict[str, _Learned] = {}
        self._lock = threading.Lock()

    def note(self, name: str, kind: str = "term", detector: str = "heuristic") -> None:
        """Remember that ``name`` was seen (found by ``detector``), before any rendering is known.

        A person seen again keeps that type: a name first noted as a term becomes a person.
        """
        with self._lock:
            item = self._names.setdefault(name, _Learned(kind, {}, detector))
            if kind == "person" and item.kind == "term":
                item.kind = kind

    def known(self, name: str, target_lang: str) -> str | None:
        """The stored rendering ('' when the model gave nothing), or None if not translated yet."""
        with self._lock:
            item = self._names.get(name)
            return None if item is None else item.renderings.get(target_lang)

    def render_many(self, names: Sequence[str], target_lang: str, translator: Translator, *,
                    source_lang: str = "en") -> dict[str, str | None]:
        """Renderings of ``names``; the unseen ones are translated in ONE call. None = unresolved."""
        missing = list(dict.fromkeys(n for n in names if self.known(n, target_lang) is None))
        if missing:
            outputs = translator.translate_batch(missing, source_lang, target_lang)
            if len(outputs) != len(missing):
                raise ValueError(f"translator returned {len(outputs)} outputs for {len(missing)} names")
            with self._lock:
                for name, output in zip(missing, outputs, strict=True):
                    item = self._names.setdefault(name, _Learned("term", {}))
                    item.renderings.setdefault(target_lang, " ".join((output or "").split()))
        return {n: (self.known(n, target_lang) or None) for n in names}

    def kind(self, name: str) -> str:
        """The kind noted for ``name`` ("person" when a title introduced it), else "term"."""
        with self._lock:
            item = self._names.get(name)
            return item.kind if item else "term"

    def detector(self, name: str) -> str:
        """Which detector found ``name`` first ("ner" or "heuristic")."""
        with self._lock:
            item = self._names.get(name)
            return item.detector if item else "heuristic"

    def names(self) -> list[str]:
        """Every name noted or rendered so far, in first-seen order."""
        with self._lock:
            return list(self._names)

    def entries(self) -> list[GlossaryEntry]:
        """Every name with at least one non-empty rendering, as entries ready to store or export.

        This is how a job promotes what it learned: ``GlossaryStore.add_entries``/``create`` keep them,
        ``serialise_glossary`` writes them as a file.
        """
        with self._lock:
            items = list(self._names.items())
        entries = []
        for name, item in items:
            renderings = {lang: r for lang, r in item.renderings.items() if r}
            if renderings:
                kind = item.kind if item.kind in ENTRY_TYPES else "term"
                entries.append(GlossaryEntry(source=name, renderings=renderings, type=kind))
        return entries
