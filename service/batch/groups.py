"""Groups of articles for one pipeline call, built the same way by the local and the Ray engine.

A group's sentences go to the engine together (``build_briefs`` batches across its articles).
If the call fails, the group's articles are retried one by one so one bad article fails alone.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from service.batch.extract import Article
from service.brief import Brief
from service.errors import BriefsError, DependencyMissingError, JobCancelledError, ModelMissingError
from service.pipeline import BriefRequest, build_briefs
from service.runtime.resources import Resources

log = logging.getLogger(__name__)

INTERNAL_ERROR = ("internal-error", "unexpected internal error (run with -v for details)")
# Errors that stop the job rather than fail an article: no article can succeed without the model,
# and a cancelled job runs no further article.
JOB_ERRORS: tuple[type[BriefsError], ...] = (ModelMissingError, DependencyMissingError, JobCancelledError)

T = TypeVar("T")


@dataclass
class Outcome:
    """One article after the pipeline: its brief, or the (code, message) of its failure."""

    id: str
    brief: Brief | None = None
    error: tuple[str, str] | None = None
    pipeline_ms: float = 0.0


@dataclass
class Group:
    """Articles for one pipeline call, plus entries settled without it (read failures, skips)."""

    articles: list[Article] = field(default_factory=list)
    settled: list[Any] = field(default_factory=list)


def build_group(articles: Sequence[Article], request: BriefRequest, resources: Resources,
                learned: Any) -> list[Outcome]:
    """Briefs for a group in one pipeline call; on failure, each article alone."""
    if not articles:
        return []
    start = time.perf_counter()
    try:
        briefs = build_briefs([a.text or "" for a in articles], request, resources, learned=learned)
    except JOB_ERRORS:
        raise
    except Exception as exc:  # noqa: BLE001 - one bad article must not fail its group
        if len(articles) == 1:
            return [_failure(articles[0], exc)]
        log.debug("group of %d failed (%s); retrying one by one", len(articles), type(exc).__name__)
        return [outcome for a in articles for outcome in build_group([a], request, resources, learned)]
    elapsed = round((time.perf_counter() - start) * 1000, 2)
    return [_checked(a, b, elapsed) for a, b in zip(articles, briefs, strict=True)]


def _checked(article: Article, brief: Brief, elapsed: float) -> Outcome:
    if not brief.segments:
        return Outcome(article.id, error=("empty-text", "no sentences found in the article text"))
    return Outcome(article.id, brief=brief, pipeline_ms=elapsed)


def _failure(article: Article, exc: Exception) -> Outcome:
    if isinstance(exc, BriefsError):
        return Outcome(article.id, error=(exc.code, exc.detail))
    log.debug("article %s failed", article.id, exc_info=exc)
    return Outcome(article.id, error=INTERNAL_ERROR)


def error_of(exc: BriefsError) -> tuple[str, str]:
    """The (code, message) a manifest line records for a typed error."""
    return exc.code, exc.detail


def prefetch(items: Iterable[T], depth: int) -> Iterator[T]:
    """Iterate ``items`` in a background thread, ``depth`` ahead (reading overlaps translating).

    An exception in the reader is raised here; leaving the loop early stops the reader.
    """
    if depth <= 0:
        yield from items
        return
    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def reader() -> None:
        try:
            for item in items:
                if not put(("item", item)):
                    return
            put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consuming thread
            put(("error", exc))

    thread = threading.Thread(target=reader, name="batch-reader", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = box.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        thread.join(timeout=5)
