"""A brief end to end (a ~1,000-word article to 5 sentences in ja and ko, time per stage) and
many articles in one pipeline call (what the archive batch command runs per group)."""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.models import BenchModels, article
from bench.translation import bench_settings


def _resources(models: BenchModels, tmp: Path, cache: bool, store: str = "bench.sqlite3") -> Any:
    from service.resources import Resources

    return Resources(bench_settings(models, tmp, cache=cache, store_path=str(tmp / store)))


def run_brief(models: BenchModels, tmp: Path, passes: int, say: Callable[[str], None]) -> dict[str, Any]:
    """Median milliseconds per stage of ``build_brief`` and each stage's share of the total."""
    from service.pipeline import BriefRequest, build_brief

    resources = _resources(models, tmp, cache=False)
    text = article(1000)
    request = BriefRequest(target_langs=("ja", "ko"), sentences=5)
    say(f"brief: {len(text.split())} words to 5 sentences in ja and ko, {passes} passes")
    build_brief(text, request, resources)
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
    total = statistics.median(totals)
    medians = {stage: statistics.median(values) for stage, values in stages.items()}
    return {"total_ms": total, "stages_ms": medians, "shares": {s: ms / total for s, ms in medians.items()}}


def run_many(models: BenchModels, tmp: Path, articles: int, say: Callable[[str], None]) -> dict[str, Any]:
    """Translated sentences per second when ``articles`` briefs (5 sentences, ja) share one call."""
    from service.pipeline import BriefRequest, build_briefs

    resources = _resources(models, tmp, cache=False)
    request = BriefRequest(target_langs=("ja",), sentences=5)
    texts = [article(300).replace(" the ", f" the {n} ") for n in range(articles)]
    say(f"many: {articles} articles in one build_briefs call")
    build_briefs(texts[:2], request, resources)
    started = time.perf_counter()
    briefs = build_briefs(texts, request, resources)
    seconds = time.perf_counter() - started
    sentences = sum(len(b.segments) for b in briefs)
    translate_ms = briefs[0].meta.timings_ms.get("translate", 0.0)  # the whole call's translate stage
    return {"articles": articles, "sentences": sentences, "sent_per_s": sentences / seconds,
            "translate_sent_per_s": sentences / max(translate_ms / 1000, 1e-9)}


def run_cache(models: BenchModels, tmp: Path, passes: int, say: Callable[[str], None]) -> dict[str, Any]:
    """The same brief again: median ms with the translation cache on (after one run filled it) and off."""
    from service.pipeline import BriefRequest, build_brief

    text = article(1000)
    request = BriefRequest(target_langs=("ja", "ko"), sentences=5)
    say(f"cache: a repeated brief, cache on and off, {passes} passes")
    timings: dict[str, list[float]] = {"on": [], "off": []}
    translate: dict[str, list[float]] = {"on": [], "off": []}
    runs = {"on": _resources(models, tmp, True, "cache-on.sqlite3"), "off": _resources(models, tmp, False)}
    for resources in runs.values():
        build_brief(text, request, resources)
    for _ in range(passes):
        for label, resources in runs.items():
            started = time.perf_counter()
            brief = build_brief(text, request, resources)
            timings[label].append((time.perf_counter() - started) * 1000)
            translate[label].append(brief.meta.timings_ms.get("translate", 0.0))
    return {label: {"total_ms": statistics.median(timings[label]),
                    "translate_ms": statistics.median(translate[label])} for label in runs}
