"""``python -m bench [--quick] [--parts ...] [--out FILE]``: run the parts side by side, print Markdown."""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PARTS = ("translation", "service", "brief", "many", "cache", "summarizer", "segmentation", "quality",
         "entities", "jobs", "stream")
# Parts that need no translation models (the models are built only when a part needing them runs).
MODEL_FREE = ("summarizer", "segmentation")
# Full run: the set-up. Quick: the same paths on less work (CI smoke test, < 3 minutes).
FULL = {"sentences": 64, "output_tokens": 48, "passes": 3, "seconds": 20.0, "clients": 16, "articles": 32}
QUICK = {"sentences": 16, "output_tokens": 16, "passes": 1, "seconds": 4.0, "clients": 16, "articles": 3}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="less work per part (a smoke test, < 3 minutes)")
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS), help="parts to run")
    parser.add_argument("--out", type=Path, help="also write the Markdown report to this file")
    args = parser.parse_args(argv)
    report = run(args.parts, QUICK if args.quick else FULL, args.quick, args.out)
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    return 1 if "failed:" in report else 0


def _part(module: str, function: str) -> Any:
    from importlib import import_module

    return getattr(import_module(f"bench.{module}"), function)


def run(parts: list[str], plan: dict[str, Any], quick: bool, out: Path | None = None) -> str:
    """Build the models, run ``parts`` in order and return the Markdown report."""
    from bench.models import build_bench_models, news_sentences
    from bench.report import machine, render

    started = time.monotonic()

    def say(message: str) -> None:
        print(f"[bench {time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    translating = any(p not in MODEL_FREE for p in parts)
    setup = {"models": "random-weight Marian at opus-mt base size (d_model 512, 6+6 layers, ffn 2048, 8 heads), "
                       "tokenizers of the tiny models",
             "work": f"{plan['sentences']} news sentences, output fixed at {plan['output_tokens']} tokens, "
                     f"median of {plan['passes']} interleaved pass(es) after a warm-up"}
    results: dict[str, Any] = {"quick": quick, "machine": machine(), "setup": setup if translating else {
        "work": f"best of {plan['passes']} pass(es); no translation models built (no part here needs them)"}}
    with tempfile.TemporaryDirectory(prefix="briefs-bench-") as scratch:
        tmp = Path(scratch)
        models = build_bench_models(tmp / "models", plan["output_tokens"], say) if translating else None
        sentences = news_sentences(plan["sentences"])
        runners = {
            "translation": lambda: _part("translation", "run_translation")(models, tmp, sentences, plan["passes"], say),
            "service": lambda: _part("service", "run_service")(models, sentences, plan["clients"], plan["seconds"],
                                                                say),
            "brief": lambda: _part("brief", "run_brief")(models, tmp, plan["passes"], say),
            "many": lambda: _part("brief", "run_many")(models, tmp, plan["articles"], say),
            "cache": lambda: _part("brief", "run_cache")(models, tmp, plan["passes"], say),
            "summarizer": lambda: _part("summarizer", "run_summarizer")(tmp, plan["passes"], plan["output_tokens"],
                                                                        quick, say),
            "segmentation": lambda: _part("segmentation", "run_segmentation")(plan["passes"], say),
            "quality": lambda: _part("quality.part", "run_quality")(models, tmp, plan["passes"], quick, say),
            "entities": lambda: _part("entities", "run_entities")(models, tmp, plan["passes"], quick, say),
            "jobs": lambda: _part("jobs", "run_jobs")(models, tmp, plan["articles"], plan["passes"] + 1, say),
            "stream": lambda: _part("jobs", "run_stream")(models, tmp, plan["passes"], say),
        }
        failed = []
        for name in [p for p in PARTS if p in parts]:
            try:
                results[name] = runners[name]()
            except Exception as exc:  # noqa: BLE001 - one broken part must not lose the others' figures
                say(f"{name} failed: {type(exc).__name__}: {exc}")
                failed.append(f"Part {name} failed: {type(exc).__name__}: {exc}")
            if out is not None:
                out.write_text(render({**results, "notes": failed}), encoding="utf-8")
    results["notes"] = [*failed, f"Ran in {time.monotonic() - started:.0f} s. Figures are indicative when other work "
                        "shares the machine (see the load average); compare ratios, not absolute times."]
    say("done")
    return render(results)


if __name__ == "__main__":
    sys.exit(main())
