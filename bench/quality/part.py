"""``python -m bench --parts quality``: the signals on the evaluation set, the tiny models' output, and what
the signals cost a brief on the default path (ctranslate2, extractive summarizer), measured side by side."""
from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.models import BenchModels, article
from bench.quality.evaluate import evaluate, load_pairs
from bench.translation import bench_settings

TINY_SENTENCES_QUICK = 60


def run_quality(models: BenchModels, tmp: Path, passes: int, quick: bool, say: Callable[[str], None]
                ) -> dict[str, Any]:
    """Precision and recall on bench/data/quality, the tiny models flagged, and the overhead of the signals."""
    pairs = load_pairs()
    say(f"quality: {len(pairs)} pairs, clean and with injected errors")
    results = evaluate(pairs)
    results["tiny"] = tiny_models(tmp, [p["en"] for p in pairs][:TINY_SENTENCES_QUICK if quick else None], say)
    results["overhead"] = overhead(models, tmp, 3 if quick else max(7, passes), say)
    return results


def tiny_models(tmp: Path, sentences: Sequence[str], say: Callable[[str], None]) -> dict[str, Any]:
    """The set's English through the tiny random-weight models: how many translations need review, and why."""
    from models.tiny import build_tiny_models
    from service.pipeline import BriefRequest, translate_segments
    from service.runtime.resources import Resources
    from service.settings import load_settings

    say(f"quality: building the tiny models, then {len(sentences)} sentences into ja and ko")
    root = build_tiny_models(tmp / "tiny-models")
    settings = load_settings(overrides={"models_dir": str(root), "store_path": str(tmp / "tiny.sqlite3"),
                                        "auto_pull": False, "cache": False}, environ={})
    brief = translate_segments(list(sentences), BriefRequest(target_langs=("ja", "ko")), Resources(settings))
    verdicts = [q for s in brief.segments for q in s.quality.values()]
    fired: Counter[str] = Counter(f.kind for q in verdicts for f in {f.kind: f for f in q.flags}.values())
    return {"engine": brief.meta.engines.get("en-ja", "?"), "segments": len(verdicts),
            "needs_review": sum(1 for q in verdicts if q.needs_review), "fired": dict(fired.most_common())}


def overhead(models: BenchModels, tmp: Path, passes: int, say: Callable[[str], None]) -> dict[str, Any]:
    """A brief (about 1,000 words to 5 sentences, ja and ko) with the signals on and off, interleaved; the
    quality stage's own time; and the engine with and without ``return_scores``."""
    from service.pipeline import BriefRequest, build_brief
    from service.runtime.resources import Resources

    runs = {label: Resources(bench_settings(models, tmp, cache=False, store_path=str(tmp / f"quality-{label}.sqlite3"),
                                            quality={"enabled": label == "on"}))
            for label in ("on", "off")}
    request = BriefRequest(target_langs=("ja", "ko"), sentences=5)
    text = article(1000)
    say(f"quality overhead: a brief with the signals on and off, {passes} interleaved passes")
    for resources in runs.values():
        build_brief(text, request, resources)  # models load, warm up
    totals: dict[str, list[float]] = {label: [] for label in runs}
    stage: list[float] = []
    for n in range(passes):
        variant = text.replace(" the ", f" the {n} ", 1 + n)  # a new article each pass
        order = list(runs.items()) if n % 2 == 0 else list(runs.items())[::-1]  # neither side always goes first
        for label, resources in order:
            started = time.perf_counter()
            brief = build_brief(variant, request, resources)
            totals[label].append((time.perf_counter() - started) * 1000)
            if label == "on":
                stage.append(brief.meta.timings_ms.get("quality", 0.0))
    on, off = statistics.median(totals["on"]), statistics.median(totals["off"])
    # Each pass runs both sides back to back, so the median of the per-pass ratios follows the load less.
    paired = statistics.median(a / b for a, b in zip(totals["on"], totals["off"], strict=True))
    return {"passes": passes, "on_ms": on, "off_ms": off, "ratio": paired, "stage_ms": statistics.median(stage),
            "stage_share": statistics.median(s / t for s, t in zip(stage, totals["on"], strict=True)),
            "engine": _return_scores_cost(models, passes, say)}


def _return_scores_cost(models: BenchModels, passes: int, say: Callable[[str], None]) -> dict[str, float]:
    """The ctranslate2 engine (beam 4) with and without ``return_scores`` on the same 32 sentences, each pass
    both ways back to back in alternating order: sentences per second (medians) and the median per-pass ratio."""
    from bench.models import news_sentences
    from models.engines.ctranslate2_engine import translator_kwargs
    from models.engines.transformers_engine import load_tokenizer
    from models.threads import plan_threads
    from service.settings import TranslationOptions

    import_ct2 = __import__("ctranslate2")
    folder = models.converted("en-ja")
    options = plan_threads(TranslationOptions(), workers=1)
    engine = import_ct2.Translator(str(folder), **translator_kwargs(options, "int8"))
    tokenizer = load_tokenizer(str(folder), local=True, revision="tiny")
    sentences = news_sentences(32)
    tokens = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(sentences)["input_ids"]]

    def seconds(scores: bool) -> float:
        started = time.perf_counter()
        engine.translate_batch(tokens, beam_size=4, return_scores=scores, max_decoding_length=models.output_tokens,
                               min_decoding_length=models.output_tokens)
        return time.perf_counter() - started

    say(f"quality overhead: the ctranslate2 engine with and without return_scores, {passes} passes")
    seconds(True)
    seconds(False)  # warm-up
    timed: dict[bool, list[float]] = {True: [], False: []}
    for n in range(passes):
        for scores in ((True, False) if n % 2 == 0 else (False, True)):
            timed[scores].append(seconds(scores))
    ratio = statistics.median(a / b for a, b in zip(timed[True], timed[False], strict=True))
    return {"with_scores": len(tokens) / statistics.median(timed[True]),
            "without": len(tokens) / statistics.median(timed[False]), "ratio": ratio}
