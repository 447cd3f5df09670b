"""Batch progress: a tqdm bar on a terminal, a plain line every few seconds otherwise, or nothing."""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TextIO


class BatchProgress:
    """Articles done of total, sentences per second and the ETA, on ``stream`` (stderr)."""

    def __init__(self, total: int, stream: TextIO, *, quiet: bool = False, log_every_s: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.stream = stream
        self.quiet = quiet
        self.log_every_s = log_every_s
        self.clock = clock
        self.done = self.failed = self.sentences = 0
        self.started = clock()
        self._last_log = self.started
        self._bar: Any = None
        if not quiet and _is_tty(stream):
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="article", file=stream, dynamic_ncols=True, smoothing=0.1)

    def advance(self, status: str, sentences: int = 0) -> None:
        """One article finished (ok, failed or skipped) with ``sentences`` summary sentences."""
        self.done += 1
        self.failed += status == "failed"
        self.sentences += sentences
        if self.done > self.total:
            self.total = self.done  # archives of JSONL files hold more articles than members
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.total = self.total
            self._bar.set_postfix(sent_s=f"{self.rate():.1f}", failed=self.failed, refresh=False)
            self._bar.update(1)
        elif self.clock() - self._last_log >= self.log_every_s:
            self._last_log = self.clock()
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def rate(self) -> float:
        """Sentences per second so far."""
        elapsed = self.clock() - self.started
        return self.sentences / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        """The plain progress line: ``batch: 120/200 articles (3 failed), 35.2 sentences/s, ETA 0:00:12``."""
        elapsed = self.clock() - self.started
        eta = ""
        if self.done and self.total > self.done and elapsed > 0:
            eta = f", ETA {timedelta(seconds=round(elapsed / self.done * (self.total - self.done)))}"
        return (f"batch: {self.done}/{self.total} articles ({self.failed} failed), "
                f"{self.rate():.1f} sentences/s{eta}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
