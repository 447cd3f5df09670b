"""One spelling per job: the learned renderings of names no glossary knows, shared by all articles.

A :class:`SpellingBook` holds the settled rendering of each (target language, name): the first
one proposed wins, and it is appended (fsynced) to ``learned.jsonl`` in the output folder, so a
resumed run and every Ray worker render a name the way the job first did.
:class:`JobLearnedGlossary` is the pipeline's ``LearnedGlossary`` backed by such a book.
"""
from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

from models.engines.base import Translator
from service.glossary.learned import LearnedGlossary
from service.glossary.model import ENTRY_TYPES, GlossaryEntry

LEARNED_STATE_NAME = "learned.jsonl"


class Spellings(Protocol):
    """Where a job's settled spellings live: a local book, or a Ray actor holding one."""

    def lookup(self, target_lang: str, names: Sequence[str]) -> dict[str, str]:
        """The settled rendering of each of ``names`` that has one."""
        ...

    def settle(self, target_lang: str, proposals: Mapping[str, str], kinds: Mapping[str, str]) -> dict[str, str]:
        """Record proposals for unsettled names; return the settled rendering of every proposed name."""
        ...

    def names(self) -> list[tuple[str, str]]:
        """Every name seen with a rendering, with its kind, in first-seen order."""
        ...


class SpellingBook:
    """Settled renderings, first proposal wins; persisted to ``path`` (JSON lines) when given."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._renderings: dict[tuple[str, str], str] = {}
        self._kinds: dict[str, str] = {}
        self._log: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._fh: IO[bytes] | None = None
        if path is not None and path.is_file():
            for raw in path.read_bytes().split(b"\n"):
                try:
                    record = json.loads(raw)
                except ValueError:
                    continue  # a torn last line from a crash
                if isinstance(record, dict) and {"name", "lang", "rendering"} <= record.keys():
                    self._add(record)

    def _add(self, record: Mapping[str, Any]) -> bool:
        key = (str(record["lang"]), str(record["name"]))
        if key in self._renderings:
            return False
        self._renderings[key] = str(record["rendering"])
        self._kinds.setdefault(key[1], str(record.get("kind") or "term"))
        self._log.append({"name": key[1], "kind": self._kinds[key[1]], "lang": key[0],
                          "rendering": self._renderings[key]})
        return True

    def lookup(self, target_lang: str, names: Sequence[str]) -> dict[str, str]:
        with self._lock:
            return {n: self._renderings[(target_lang, n)] for n in names if (target_lang, n) in self._renderings}

    def settle(self, target_lang: str, proposals: Mapping[str, str], kinds: Mapping[str, str]) -> dict[str, str]:
        with self._lock:
            new = []
            for name, rendering in proposals.items():
                record = {"name": name, "kind": kinds.get(name, "term"), "lang": target_lang, "rendering": rendering}
                if self._add(record):
                    new.append(record)
            self._persist(new)
            return {n: self._renderings[(target_lang, n)] for n in proposals}

    def names(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._kinds.items())

    def records(self, start: int = 0) -> list[dict[str, str]]:
        """The settled spellings in the order they were settled, from ``start`` on."""
        with self._lock:
            return list(self._log[start:])

    def merge(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Take spellings settled elsewhere (a Ray registry); the first one still wins."""
        with self._lock:
            self._persist([dict(r) for r in records if self._add(r)])

    def entries(self) -> list[GlossaryEntry]:
        """Every name with a non-empty rendering, as glossary entries (for TBX and --save-learned)."""
        with self._lock:
            renderings: dict[str, dict[str, str]] = {}
            for (lang, name), rendering in self._renderings.items():
                if rendering:
                    renderings.setdefault(name, {})[lang] = rendering
            kinds = dict(self._kinds)
        return [GlossaryEntry(source=name, renderings=langs, type=_entry_type(kinds.get(name)))
                for name, langs in renderings.items()]

    def _persist(self, records: Sequence[Mapping[str, Any]]) -> None:
        if not records or self.path is None:
            return
        if self._fh is None:
            self._fh = self.path.open("ab")
        self._fh.write(b"".join((json.dumps(r, ensure_ascii=False) + "\n").encode() for r in records))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        with self._lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None


def _entry_type(kind: str | None) -> str:
    return kind if kind in ENTRY_TYPES else "term"


class JobLearnedGlossary(LearnedGlossary):
    """A LearnedGlossary whose renderings are settled in the job's spellings, not per call."""

    def __init__(self, spellings: Spellings) -> None:
        super().__init__()
        self.spellings = spellings
        self.sync()

    def sync(self) -> None:
        """Know every name the job has seen so far (so the pipeline finds its later mentions too)."""
        for name, kind in self.spellings.names():
            self.note(name, kind)

    def render_many(self, names: Sequence[str], target_lang: str, translator: Translator, *,
                    source_lang: str = "en") -> dict[str, str | None]:
        return super().render_many(names, target_lang, _SettlingTranslator(translator, self),
                                   source_lang=source_lang)


class _SettlingTranslator:
    """Translates only names the job has not settled, then lets the job's spellings decide."""

    def __init__(self, inner: Translator, learned: JobLearnedGlossary) -> None:
        self.inner = inner
        self.learned = learned

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        spellings = self.learned.spellings
        settled = spellings.lookup(target_lang, texts)
        missing = [t for t in dict.fromkeys(texts) if t not in settled]
        if missing:
            outputs = self.inner.translate_batch(missing, source_lang, target_lang)
            if len(outputs) != len(missing):
                raise ValueError(f"translator returned {len(outputs)} outputs for {len(missing)} names")
            proposals = {n: " ".join((o or "").split()) for n, o in zip(missing, outputs, strict=True)}
            settled.update(spellings.settle(target_lang, proposals, {n: self.learned.kind(n) for n in missing}))
        return [settled[t] for t in texts]
