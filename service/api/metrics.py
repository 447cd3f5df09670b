"""Prometheus metrics of one app, in their own registry so tests can build many apps.

Under gunicorn, config/gunicorn.conf.py puts prometheus_client in multiprocess mode
(PROMETHEUS_MULTIPROC_DIR, set in the master before anything imports prometheus_client; see
:mod:`service.api.metrics_dir`): every worker then writes its counters to files in that directory
and ``/metrics`` on any worker reports the sum over the whole host.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from service.brief import Brief

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)
QUALITY_BUCKETS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99, 1.0)


class _ModelLoadTimes:
    """Collects model load times at scrape time from the model manager."""

    def __init__(self, source: Callable[[], Mapping[str, float]]) -> None:
        self._source = source

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("briefs_model_load_seconds", "Time taken to load each model",
                                   labels=["model"])
        for ref, ms in sorted(self._source().items()):
            family.add_metric([ref], ms / 1000.0)
        yield family


class ServiceMetrics:
    """Requests, latencies, pipeline stage times, micro-batch sizes, model load times and errors."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("briefs_http_requests", "HTTP requests by route, method and status",
                                ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram("briefs_http_request_seconds", "HTTP request latency by route",
                                 ["route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.stage = Histogram("briefs_pipeline_stage_seconds", "Pipeline stage time per request",
                               ["stage"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.batch_size = Histogram("briefs_translation_batch_size",
                                    "Sentences per engine call after cross-request micro-batching",
                                    buckets=BATCH_BUCKETS, registry=self.registry)
        self.errors = Counter("briefs_errors", "Error responses by problem type", ["type"],
                              registry=self.registry)
        self.cache = Counter("briefs_translation_cache", "Translation cache lookups by result (hit, miss)",
                             ["result"], registry=self.registry)
        self.summary_cache = Counter("briefs_summary_cache", "Summary cache lookups by result (hit, miss)",
                                     ["result"], registry=self.registry)
        self.quality_score = Histogram("briefs_quality_score", "Quality score per translated segment (1: no signal "
                                       "fired), by target language", ["lang"], buckets=QUALITY_BUCKETS,
                                       registry=self.registry)
        self.quality_flags = Counter("briefs_quality_flags", "Quality flags raised, by kind", ["kind"],
                                     registry=self.registry)
        self.needs_review = Counter("briefs_segments_needing_review", "Translated segments whose quality score is "
                                    "below quality.threshold, by target language", ["lang"], registry=self.registry)
        self._model_loads: _ModelLoadTimes | None = None

    def watch_model_loads(self, source: Callable[[], Mapping[str, float]]) -> None:
        """Report ``source()`` (model ref -> load ms) as a gauge on every scrape (this worker's loads)."""
        self._model_loads = _ModelLoadTimes(source)
        self.registry.register(self._model_loads)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def observe_timings(self, timings_ms: Mapping[str, float]) -> None:
        """Record a brief's ``meta.timings_ms``."""
        for stage, ms in timings_ms.items():
            self.stage.labels(stage).observe(ms / 1000.0)

    def observe_quality(self, briefs: Iterable[Brief]) -> None:
        """Record the quality verdict of every translated segment of ``briefs``."""
        for brief in briefs:
            for segment in brief.segments:
                for lang, quality in segment.quality.items():
                    self.quality_score.labels(lang).observe(quality.score)
                    for flag in quality.flags:
                        self.quality_flags.labels(flag.kind).inc()
                    if quality.needs_review:
                        self.needs_review.labels(lang).inc()

    def observe_batch(self, size: int) -> None:
        self.batch_size.observe(size)

    def observe_cache(self, hits: int, misses: int) -> None:
        """Count one call's translation-cache hits and misses (service.runtime.translation_cache)."""
        if hits:
            self.cache.labels("hit").inc(hits)
        if misses:
            self.cache.labels("miss").inc(misses)

    def observe_summary_cache(self, hits: int, misses: int) -> None:
        """Count one summary's cache hit or miss (service.runtime.summary_cache)."""
        if hits:
            self.summary_cache.labels("hit").inc(hits)
        if misses:
            self.summary_cache.labels("miss").inc(misses)

    def observe_error(self, code: str) -> None:
        self.errors.labels(code).inc()

    def render(self) -> bytes:
        """The Prometheus text exposition: this process's registry, or under gunicorn the whole host's."""
        if not multiprocess_mode():
            return generate_latest(self.registry)
        host = CollectorRegistry()
        MultiProcessCollector(host)  # every worker's files, live and exited, summed
        if self._model_loads is not None:
            host.register(self._model_loads)
        return generate_latest(host)


def multiprocess_mode() -> bool:
    """Whether prometheus_client was imported with PROMETHEUS_MULTIPROC_DIR set (gunicorn workers)."""
    return values.ValueClass is not values.MutexValue
