"""Progress: a bar on a terminal, plain lines otherwise, nothing with --quiet."""
from __future__ import annotations

import io

from service.batch.progress import BatchProgress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_plain_lines_every_interval_with_rate_and_eta():
    stream, clock = io.StringIO(), Clock()
    progress = BatchProgress(4, stream, log_every_s=10, clock=clock)
    clock.now = 5
    progress.advance("ok", 10)
    assert stream.getvalue() == ""
    clock.now = 10
    progress.advance("failed")
    assert stream.getvalue() == "batch: 2/4 articles (1 failed), 1.0 sentences/s, ETA 0:00:10\n"


def test_quiet_prints_nothing():
    stream = io.StringIO()
    progress = BatchProgress(2, stream, quiet=True, log_every_s=0)
    progress.advance("ok", 3)
    progress.close()
    assert stream.getvalue() == ""


def test_a_terminal_gets_a_bar():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = BatchProgress(3, stream)
    progress.advance("ok", 2)
    progress.close()
    assert "1/3" in stream.getvalue()
    assert "article" in stream.getvalue()


def test_total_grows_when_archives_hold_more_articles_than_members():
    progress = BatchProgress(1, io.StringIO(), quiet=True)
    progress.advance("ok")
    progress.advance("ok")
    assert progress.total == 2
