"""Cross-request micro-batching for the translation engine.

Concurrent HTTP requests each translate a few sentences; engines are more
efficient on one larger batch. ``MicroBatchTranslator`` collects concurrent
``translate_batch`` calls for the same language pair, runs the engine once on
the combined list and hands every caller exactly its own slice.

When a batch runs: at most ``max_running`` engine calls per pair run at once
(the engine's own parallelism, ctranslate2's ``inter_threads``). While they are
all busy, new callers gather in the open batch (up to ``max_batch_size``
sentences) instead of queueing inside the engine one by one, so batches grow
with the load. When the pair's engine is idle a batch starts at once (waiting
would only add latency); when some but not all slots are busy it waits at most
``max_wait_ms`` for company.

Scores pass through: the engine's score of each output (``translate_scored``) goes back to the
caller that owns it, as the text does.

Leader/follower: the first caller of a batch waits for its turn, then runs the
engine for everyone; followers wait on the batch's done event. No background
threads, so there is nothing to leak or shut down beyond refusing new work.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from models.engines.base import Scored, Translator, translate_scored

log = logging.getLogger(__name__)


class _Batch:
    """Texts of several callers for one language pair, run together."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.slices: list[tuple[int, int]] = []
        self.results: list[list[Scored] | BaseException] = []
        self.sealed = False
        self.done = threading.Event()

    def add(self, texts: Sequence[str]) -> int:
        start = len(self.texts)
        self.texts.extend(texts)
        self.slices.append((start, len(self.texts)))
        return len(self.slices) - 1

    def run(self, inner: Translator, source: str, target: str) -> None:
        """Translate everything at once; on failure, each caller's slice alone."""
        try:
            combined = translate_scored(inner, list(self.texts), source, target)
            if len(combined) != len(self.texts):
                raise RuntimeError(
                    f"engine returned {len(combined)} translations for {len(self.texts)} texts")
            self.results = [combined[a:b] for a, b in self.slices]
        except Exception as exc:  # noqa: BLE001 - isolate the failing caller below
            if len(self.slices) == 1:
                self.results = [exc]
            else:
                log.info("batched translation failed (%s); retrying %d callers separately",
                         type(exc).__name__, len(self.slices))
                self.results = [self._run_one(inner, a, b, source, target) for a, b in self.slices]

    def _run_one(self, inner: Translator, a: int, b: int, source: str, target: str) -> list[Scored] | Exception:
        try:
            return translate_scored(inner, self.texts[a:b], source, target)
        except Exception as exc:  # noqa: BLE001 - handed to the caller that owns this slice
            return exc


class MicroBatchTranslator:
    """A Translator that merges concurrent calls per (source, target) into one engine call."""

    def __init__(
        self,
        inner: Translator,
        *,
        max_batch_size: int,
        max_wait_ms: float,
        on_batch: Callable[[int], None] | None = None,
        max_running: int = 1,
    ) -> None:
        if max_batch_size < 1:
            raise ValueError(f"max_batch_size must be at least 1, got {max_batch_size}")
        if max_wait_ms < 0:
            raise ValueError(f"max_wait_ms must not be negative, got {max_wait_ms}")
        if max_running < 1:
            raise ValueError(f"max_running must be at least 1, got {max_running}")
        self.inner = inner
        self.max_batch_size = max_batch_size
        self.max_wait_s = max_wait_ms / 1000.0
        self.max_running = max_running
        self.on_batch = on_batch
        self._turns = threading.Condition()
        self._open: dict[tuple[str, str], _Batch] = {}
        self._running: dict[tuple[str, str], int] = {}
        self._closed = False

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        """Return exactly ``len(texts)`` translations, in input order."""
        return [scored.text for scored in self.translate_scored(texts, source_lang, target_lang)]

    def translate_scored(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[Scored]:
        """Exactly ``len(texts)`` scored translations, in input order."""
        if self._closed:
            raise RuntimeError("the micro-batch translator is shut down")
        texts = list(texts)
        if not texts:
            return []
        pair = (source_lang, target_lang)
        if len(texts) >= self.max_batch_size:
            return self._direct(texts, pair)
        batch, index, leader = self._join(pair, texts)
        if leader:
            self._lead(batch, pair)
        else:
            batch.done.wait()
        result = batch.results[index]
        if isinstance(result, BaseException):
            raise result
        return result

    def close(self) -> None:
        """Refuse new calls; calls already in flight finish normally."""
        self._closed = True

    def _direct(self, texts: list[str], pair: tuple[str, str]) -> list[Scored]:
        """A call as large as a batch: its own engine call, in its turn."""
        with self._turns:
            self._turns.wait_for(lambda: self._running.get(pair, 0) < self.max_running)
            self._running[pair] = self._running.get(pair, 0) + 1
        try:
            self._report(len(texts))
            return translate_scored(self.inner, texts, *pair)
        finally:
            self._release(pair)

    def _join(self, pair: tuple[str, str], texts: list[str]) -> tuple[_Batch, int, bool]:
        with self._turns:
            batch = self._open.get(pair)
            if batch is not None and len(batch.texts) + len(texts) > self.max_batch_size:
                self._seal(pair, batch)
                batch = None
            leader = batch is None
            if batch is None:
                batch = self._open[pair] = _Batch()
            index = batch.add(texts)
            if len(batch.texts) >= self.max_batch_size:
                self._seal(pair, batch)
        return batch, index, leader

    def _seal(self, pair: tuple[str, str], batch: _Batch) -> None:
        """Stop a batch taking more callers (caller holds the lock) and wake its leader."""
        if self._open.get(pair) is batch:
            del self._open[pair]
        batch.sealed = True
        self._turns.notify_all()

    def _wait_for_turn(self, batch: _Batch, pair: tuple[str, str]) -> None:
        """Block (lock held) until ``batch`` may run: a slot is free and the batch is full, the
        pair's engine is idle, or ``max_wait_s`` has passed since the batch opened."""
        deadline = time.monotonic() + self.max_wait_s
        while True:
            running = self._running.get(pair, 0)
            if running < self.max_running:
                left = deadline - time.monotonic()
                if batch.sealed or running == 0 or left <= 0:
                    return
                self._turns.wait(left)
            else:
                self._turns.wait()

    def _lead(self, batch: _Batch, pair: tuple[str, str]) -> None:
        try:
            with self._turns:
                self._wait_for_turn(batch, pair)
                self._seal(pair, batch)
                self._running[pair] = self._running.get(pair, 0) + 1
            try:
                self._report(len(batch.texts))
                batch.run(self.inner, *pair)
            finally:
                self._release(pair)
        except BaseException as exc:
            batch.results = [exc] * len(batch.slices)
            raise
        finally:
            batch.done.set()

    def _release(self, pair: tuple[str, str]) -> None:
        with self._turns:
            self._running[pair] -= 1
            self._turns.notify_all()

    def _report(self, size: int) -> None:
        if self.on_batch is not None:
            try:
                self.on_batch(size)
            except Exception:  # metrics must never fail a translation
                log.warning("micro-batch size callback failed", exc_info=True)
