"""The quality signals on bench/data/quality: each signal's and the verdict's recall on injected errors,
precision, and the share of clean translations flagged.

The set is split by id: the development part (ids not divisible by 3) was used while the checks
were written and their constants chosen; the held-out part (ids divisible by 3) was not, and its
figures are the ones the targets are judged on. Both are printed.
"""
from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.quality.inject import KINDS, NUMBER_KINDS, inject_all

DATA = Path(__file__).resolve().parents[1] / "data" / "quality" / "pairs.jsonl"
LANGS = ("ja", "ko")
SPLITS = ("held-out", "development")
# The injected kinds each signal is meant to catch (its recall is measured on these).
TARGETS: dict[str, tuple[str, ...]] = {
    "numbers": NUMBER_KINDS,
    "untranslated": ("untranslated",),
    "script": ("wrong-script",),
    "degeneration": ("truncation", "repetition"),
    "length": ("truncation",),
}
GOALS = {"numbers_recall": 0.95, "numbers_false": 0.05, "verdict_recall": 0.95, "verdict_false": 0.10}


@dataclass(frozen=True)
class Example:
    """One translation to judge: clean (kind "clean") or with one injected error."""

    id: str
    lang: str
    kind: str
    en: str
    text: str


def load_pairs(path: Path = DATA) -> list[dict[str, str]]:
    """The evaluation pairs, in file order."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def split_of(pair_id: str) -> str:
    """held-out for ids divisible by 3 (q003, q006, ...), development otherwise."""
    return "held-out" if int(pair_id.lstrip("q")) % 3 == 0 else "development"


def examples(pairs: Iterable[dict[str, str]]) -> list[Example]:
    """Every clean translation and every injected error of ``pairs``."""
    out = []
    for pair in pairs:
        out += [Example(pair["id"], lang, "clean", pair["en"], pair[lang]) for lang in LANGS]
        out += [Example(i.id, i.lang, i.kind, i.en, i.text) for i in inject_all(pair, LANGS)]
    return out


def judge(example: Example) -> tuple[set[str], bool]:
    """The signals that fired on one example (as engine output without a score) and the verdict."""
    from service.quality.target import Target
    from service.quality.verdict import assess, findings
    from service.settings import QualityOptions

    options = QualityOptions()
    target = Target(example.en, example.text, example.lang)
    fired = {name for name, items in findings(target, options).items() if items}
    return fired, assess(target, options).needs_review


def evaluate(pairs: list[dict[str, str]]) -> dict[str, Any]:
    """Per split: counts, each signal's recall, precision and false flags, the verdict's, and the
    detection rate of every signal on every injected kind."""
    results: dict[str, Any] = {"pairs": len(pairs), "splits": {}}
    for split in SPLITS:
        chosen = [p for p in pairs if split_of(p["id"]) == split]
        judged = [(e, *judge(e)) for e in examples(chosen)]
        results["splits"][split] = _scores(judged, len(chosen))
    results["length_ranges"] = measured_length_ranges([p for p in pairs if split_of(p["id"]) == "development"])
    results["goals"] = _goals(results["splits"]["held-out"])
    return results


def _scores(judged: list[tuple[Example, set[str], bool]], pairs: int) -> dict[str, Any]:
    clean = [(e, fired, review) for e, fired, review in judged if e.kind == "clean"]
    injected = [(e, fired, review) for e, fired, review in judged if e.kind != "clean"]
    counts = Counter(e.kind for e, _, _ in injected)
    signals: dict[str, dict[str, float]] = {}
    for name, kinds in TARGETS.items():
        aimed = [fired for e, fired, _ in injected if e.kind in kinds]
        true_flags = sum(1 for _, fired, _ in injected if name in fired)
        false_flags = sum(1 for _, fired, _ in clean if name in fired)
        signals[name] = {"recall": _share(sum(1 for fired in aimed if name in fired), len(aimed)),
                         "precision": _share(true_flags, true_flags + false_flags),
                         "false_flags": _share(false_flags, len(clean)), "aimed": len(aimed)}
    caught = sum(1 for _, _, review in injected if review)
    wrong = sum(1 for _, _, review in clean if review)
    by_kind = {kind: {**{name: _share(sum(1 for e, fired, _ in injected if e.kind == kind and name in fired),
                                      counts[kind]) for name in TARGETS},
                      "verdict": _share(sum(1 for e, _, r in injected if e.kind == kind and r), counts[kind])}
               for kind in KINDS}
    return {"pairs": pairs, "clean": len(clean), "injected": len(injected), "counts": dict(counts),
            "signals": signals, "by_kind": by_kind,
            "verdict": {"recall": _share(caught, len(injected)), "precision": _share(caught, caught + wrong),
                        "false_flags": _share(wrong, len(clean))},
            "missed": [f"{e.id} {e.lang} {e.kind}" for e, _, review in injected if not review][:40],
            "false": [f"{e.id} {e.lang}" for e, _, review in clean if review][:40]}


def _share(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


def _goals(held_out: dict[str, Any]) -> dict[str, bool]:
    numbers, verdict = held_out["signals"]["numbers"], held_out["verdict"]
    return {"numbers recall >= 0.95": numbers["recall"] >= GOALS["numbers_recall"],
            "numbers false flags <= 5%": numbers["false_flags"] <= GOALS["numbers_false"],
            "verdict recall >= 0.95": verdict["recall"] >= GOALS["verdict_recall"],
            "verdict false flags <= 10%": verdict["false_flags"] <= GOALS["verdict_false"]}


def measured_length_ranges(pairs: list[dict[str, str]]) -> dict[str, dict[str, float]]:
    """Per language: the 1st and 99th percentile of the clean length ratio, the range they suggest
    (x 0.85 and x 1.4, as service/quality/length.py uses) and the range in use."""
    from service.quality.length import RANGES, char_count

    out = {}
    for lang in LANGS:
        ratios = sorted(char_count(p[lang]) / max(1, char_count(p["en"])) for p in pairs)
        cuts = statistics.quantiles(ratios, n=100)
        out[lang] = {"p1": cuts[0], "p99": cuts[98], "suggested_low": cuts[0] * 0.85,
                     "suggested_high": cuts[98] * 1.4, "low": RANGES[lang][0], "high": RANGES[lang][1]}
    return out


def render_quality(results: dict[str, Any]) -> list[str]:
    """The Markdown section of the quality part."""
    lines = ["", f"## Quality signals (bench/data/quality: {results['pairs']} pairs, ja and ko, clean and with "
             "injected errors)", "",
             "Held-out: ids divisible by 3, not used while the checks were written (the figures judged). "
             "Development: the other ids, used to write the checks and choose their constants.", ""]
    lines += ["| signal | aimed at | held-out recall | precision | false flags on clean | development recall | "
              "false flags on clean |", "|---|---|---|---|---|---|---|"]
    held, dev = results["splits"]["held-out"], results["splits"]["development"]
    for name, kinds in TARGETS.items():
        h, d = held["signals"][name], dev["signals"][name]
        lines.append(f"| {name} | {', '.join(kinds)} | {h['recall']:.3f} | {h['precision']:.3f} | "
                     f"{h['false_flags']:.1%} | {d['recall']:.3f} | {d['false_flags']:.1%} |")
    hv, dv = held["verdict"], dev["verdict"]
    lines.append(f"| **verdict** (needs_review) | every kind | {hv['recall']:.3f} | {hv['precision']:.3f} | "
                 f"{hv['false_flags']:.1%} | {dv['recall']:.3f} | {dv['false_flags']:.1%} |")
    lines += ["", f"Held-out: {held['pairs']} pairs, {held['clean']} clean translations, {held['injected']} "
              f"injected errors; development: {dev['pairs']} pairs, {dev['clean']} clean, {dev['injected']} injected. "
              "Precision: flagged injected / all flagged (injected of any kind count as true).", "",
              "| injected kind (held-out) | n | " + " | ".join(TARGETS) + " | verdict |",
              "|---|---|" + "---|" * (len(TARGETS) + 1)]
    for kind, rates in held["by_kind"].items():
        cells = " | ".join(f"{rates[name]:.2f}" for name in (*TARGETS, "verdict"))
        lines.append(f"| {kind} | {held['counts'].get(kind, 0)} | {cells} |")
    lines += ["", "Goals (held-out): " + "; ".join(f"{goal}: {'met' if ok else 'NOT met'}"
                                                   for goal, ok in results["goals"].items())]
    ranges = results["length_ranges"]
    lines += ["", "Length ratio (characters per English character, development clean): " + "; ".join(
        f"{lang} p1 {r['p1']:.3f}, p99 {r['p99']:.3f} -> suggested {r['suggested_low']:.2f}-"
        f"{r['suggested_high']:.2f}, in use {r['low']:.2f}-{r['high']:.2f}" for lang, r in ranges.items())]
    if held["missed"]:
        lines += ["", "Injected errors the verdict missed (held-out, first 40): " + ", ".join(held["missed"])]
    if held["false"]:
        lines += ["", "Clean translations flagged (held-out, first 40): " + ", ".join(held["false"])]
    lines += _overhead(results.get("overhead"))
    tiny = results.get("tiny")
    if tiny:
        lines += ["", f"Tiny random-weight models ({tiny['engine']}), {tiny['segments']} translations of the set's "
                  f"English: {tiny['needs_review']} need review ({tiny['needs_review'] / tiny['segments']:.0%}); "
                  "signals that fired: " + ", ".join(f"{k} {v}" for k, v in tiny["fired"].items())]
    return lines


def _overhead(overhead: dict[str, Any] | None) -> list[str]:
    if not overhead:
        return []
    engine = overhead["engine"]
    return ["", f"Cost on the default path (ctranslate2 int8, extractive summarizer; a ~1,000-word article to 5 "
            f"sentences in ja and ko; median of {overhead['passes']} interleaved passes; ratios are medians of "
            "per-pass ratios):", "",
            "| measure | signals on | signals off | on / off |", "|---|---|---|---|",
            f"| whole brief ms | {overhead['on_ms']:.1f} | {overhead['off_ms']:.1f} | {overhead['ratio']:.3f}× |",
            f"| quality stage ms (its share of the brief) | {overhead['stage_ms']:.2f} ({overhead['stage_share']:.2%}) "
            "| – | |",
            f"| engine sentences/s, beam 4, with / without return_scores | {engine['with_scores']:.1f} | "
            f"{engine['without']:.1f} | {engine['ratio']:.3f}× time |"]
