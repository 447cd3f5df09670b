"""A brief end to end (a ~1,000-word article to 5 sentences in ja and ko, time per stage, the
extractive summarizer's two embedding backends side by side), many articles at once (one
pipeline call, and the archive batch runner over a folder) and a repeated brief with the caches
on and off."""
from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.models import BenchModels, article
from bench.timing import interleaved
from bench.translation import bench_settings


def _resources(models: BenchModels, tmp: Path, cache: bool, store: str = "bench.sqlite3") -> Any:
    from service.runtime.resources import Resources

    return Resources(bench_settings(models, tmp, cache=cache, store_path=str(tmp / store)))


class _CountingEmbedder:
    """Passes ``embed`` on and counts the sentences it is given (each should be embedded once)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.sentences = 0

    def embed(self, sentences: Sequence[str]) -> Any:
        self.sentences += len(sentences)
        return self.inner.embed(sentences)


def run_brief(models: BenchModels, tmp: Path, passes: int, say: Callable[[str], None]) -> dict[str, Any]:
    """Median milliseconds per stage of ``build_brief``, each stage's share of the total, how many
    sentences were embedded per brief, and the summarizer on each embedding backend."""
    from service.pipeline import BriefRequest, build_brief
    from service.pipeline.segmentation import split_sentences

    resources = _resources(models, tmp, cache=False)
    text = article(1000)
    request = BriefRequest(target_langs=("ja", "ko"), sentences=5)
    say(f"brief: {len(text.split())} words to 5 sentences in ja and ko, {passes} passes")
    build_brief(text, request, resources)
    summarizer = resources.models.summarizer()
    counter = _CountingEmbedder(summarizer.embedder)
    summarizer.embedder = counter
    stages: dict[str, list[float]] = {}
    totals: list[float] = []
    for i in range(passes):
        # A different article each pass (one word changed per sentence), so no cache answers.
        variant = text.replace(" the ", f" the {i} ", 1 + i) if i else text
        started = time.perf_counter()
        brief = build_brief(variant, request, resources)
        totals.append((time.perf_counter() - started) * 1000)
        for stage, ms in brief.meta.timings_ms.items():
            stages.setdefault(stage, []).append(ms)
    summarizer.embedder = counter.inner
    total = statistics.median(totals)
    medians = {stage: statistics.median(values) for stage, values in stages.items()}
    sentences = len(split_sentences(text))
    return {"total_ms": total, "stages_ms": medians, "shares": {s: ms / total for s, ms in medians.items()},
            "sentences": sentences, "embedded_per_brief": counter.sentences / passes,
            "backend": getattr(counter.inner, "engine", "?"),
            "backends": _backends(models, split_sentences(text), passes, say)}


def _backends(models: BenchModels, sentences: Sequence[Any], passes: int,
              say: Callable[[str], None]) -> dict[str, float]:
    """Summaries per second of the extractive summarizer on each embedding backend, interleaved."""
    from models.embeddings import EMBEDDING_ENGINES, load_embedder
    from models.summarizers.extractive import ExtractiveSummarizer
    from service.settings import SummaryOptions

    paths = {}
    for engine in EMBEDDING_ENGINES:
        options = SummaryOptions(embedding_engine=engine,
                                 embedding_cache_dir=str(models.root / ".cache" / "embeddings"))
        summarizer = ExtractiveSummarizer(load_embedder(_embedding_path(), options), options)

        def run(texts: Sequence[Any], summarizer: ExtractiveSummarizer = summarizer) -> int:
            summarizer.summarize(texts, 5)
            return 1

        paths[engine] = run
    say(f"summarizer backends: {len(sentences)} sentences to 5, {max(3, passes)} interleaved passes")
    return interleaved(paths, list(sentences), max(3, passes))


def _embedding_path() -> Path:
    from models.embeddings import default_model_path

    return default_model_path()


def run_many(models: BenchModels, tmp: Path, articles: int, say: Callable[[str], None]) -> dict[str, Any]:
    """Translated sentences per second when ``articles`` briefs (5 sentences, ja) share one pipeline
    call, and when the archive batch runner (``python -m service batch``) reads them from a folder."""
    from service.pipeline import BriefRequest, build_briefs

    resources = _resources(models, tmp, cache=False)
    request = BriefRequest(target_langs=("ja",), sentences=5)
    texts = [article(300).replace(" the ", f" the {n} ") for n in range(articles)]
    say(f"many: {articles} articles in one build_briefs call, then through the batch runner")
    build_briefs(texts[:2], request, resources)
    started = time.perf_counter()
    briefs = build_briefs(texts, request, resources)
    seconds = time.perf_counter() - started
    sentences = sum(len(b.segments) for b in briefs)
    timings = briefs[0].meta.timings_ms  # the whole call's stages
    batch = _batch_runner(resources, tmp, [t.replace(" the ", " the batch ", 1) for t in texts], request)
    return {"articles": articles, "sentences": sentences, "sent_per_s": sentences / seconds,
            "translate_sent_per_s": sentences / max(timings.get("translate", 0.0) / 1000, 1e-9),
            "summarize_share": timings.get("summarize", 0.0) / 1000 / seconds, "batch": batch}


def _batch_runner(resources: Any, tmp: Path, texts: list[str], request: Any) -> dict[str, Any]:
    """The batch command's own path: a folder of articles, read, grouped, built, written."""
    from service.batch.runner import BatchJob, run_batch

    folder = tmp / "many-input"
    folder.mkdir(exist_ok=True)
    for n, text in enumerate(texts):
        (folder / f"article-{n:04d}.txt").write_text(text, encoding="utf-8")
    job = BatchJob(input=folder, out=tmp / "many-output", request=request, formats=("json",), force=True)
    started = time.perf_counter()
    summary = run_batch(job, resources.settings, resources=resources, stream=io.StringIO(), quiet=True)
    seconds = time.perf_counter() - started
    if summary.failed or summary.ok != len(texts):
        raise RuntimeError(f"batch runner: {summary.ok} ok, {summary.failed} failed of {len(texts)}")
    return {"articles": summary.ok, "sentences": summary.sentences, "sent_per_s": summary.sentences / seconds,
            "groups": -(-len(texts) // resources.settings.batch.group_articles)}


def run_cache(models: BenchModels, tmp: Path, passes: int, say: Callable[[str], None]) -> dict[str, Any]:
    """The same brief again: median ms with the caches on (after one run filled them) and off."""
    from service.pipeline import BriefRequest, build_brief

    text = article(1000)
    request = BriefRequest(target_langs=("ja", "ko"), sentences=5)
    say(f"cache: a repeated brief, cache on and off, {passes} passes")
    timings: dict[str, list[float]] = {"on": [], "off": []}
    stages: dict[str, dict[str, list[float]]] = {"on": {}, "off": {}}
    runs = {"on": _resources(models, tmp, True, "cache-on.sqlite3"), "off": _resources(models, tmp, False)}
    for resources in runs.values():
        build_brief(text, request, resources)
    for _ in range(passes):
        for label, resources in runs.items():
            started = time.perf_counter()
            brief = build_brief(text, request, resources)
            timings[label].append((time.perf_counter() - started) * 1000)
            for stage in ("summarize", "translate"):
                stages[label].setdefault(stage, []).append(brief.meta.timings_ms.get(stage, 0.0))
    return {label: {"total_ms": statistics.median(timings[label]),
                    **{f"{stage}_ms": statistics.median(values) for stage, values in stages[label].items()}}
            for label in runs}
