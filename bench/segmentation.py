"""Sentence segmentation: accuracy on the two corpora in tests/data/segmentation/ and the time to segment
1 MB of news text (the news cases repeated), against the budget of 1 s.

The service's segmenter runs on the golden rules (scored as pySBD scores them), on the news cases scored
strictly (body sentences, title, every non-content line and the dateline) and scored as MEASUREMENTS.md
scores any segmenter (segments equal to a non-content line or the headline are dropped first), then on
1 MB as many articles and as one text. When pySBD is installed (``pip install pysbd==0.3.4``; the
service does not use it) it runs beside, on the same data: 1 MB as articles and one 100 kB text (its
time grows about quadratically with the length of one text, so not the whole 1 MB as one).
Best of ``passes`` runs.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "segmentation"
BUDGET_S = 1.0
ONE_MB = 1_000_000
SIDE_BY_SIDE_CHARS = 100_000

Segments = Callable[[str], list[str]]


def _load(name: str) -> list[dict[str, Any]]:
    return list(json.loads((DATA / name).read_text(encoding="utf-8"))["cases"])


def corpus(size: int) -> list[str]:
    """News case texts repeated until they hold ``size`` characters together."""
    texts = [case["text"] for case in _load("news_cases.json")]
    documents: list[str] = []
    total = 0
    while total < size:
        text = texts[len(documents) % len(texts)]
        documents.append(text)
        total += len(text) + 2
    return documents


def golden_passed(segments: Segments) -> int:
    return sum(segments(case["text"]) == case["expected"] for case in _load("golden_rules_en.json"))


def news_passed_leniently(segments: Segments) -> int:
    """MEASUREMENTS.md's scoring: drop segments equal to a non-content line or the headline, compare the rest."""
    passed = 0
    for case in _load("news_cases.json"):
        drop = {line.strip() for line in case["non_content"]} | ({case["headline"]} if "headline" in case else set())
        passed += [s for s in segments(case["text"]) if s and s not in drop] == case["sentences"]
    return passed


def news_passed_strictly() -> int:
    """The service's own reading: body sentences, title, non-content lines and dateline all as the case says."""
    from service.pipeline.segmentation import segment_text

    passed = 0
    for case in _load("news_cases.json"):
        text = case["text"]
        segmentation = segment_text(text)
        title = segmentation.title
        body = [s for s in segmentation.sentences if s is not title]
        passed += ([text[s.start:s.end].strip() for s in body] == case["sentences"]
                   and (text[title.start:title.end] if title else None) == case.get("headline")
                   and [text[d.start:d.end] for d in segmentation.dropped] == case["non_content"]
                   and [s.dateline for s in body if s.dateline] == [d for d in [case.get("dateline")] if d])
    return passed


def _best(run: Callable[[], object], passes: int) -> float:
    best = float("inf")
    for _ in range(max(passes, 1)):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def _service() -> tuple[Segments, Callable[[str], object]]:
    from service.pipeline.segmentation import segment_text, split_sentences

    def segments(text: str) -> list[str]:
        return [text[s.start:s.end].strip() for s in split_sentences(text)]

    return segments, segment_text


def _pysbd() -> tuple[Segments, Callable[[str], object]] | None:
    try:
        import pysbd
    except ImportError:
        return None
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def segments(text: str) -> list[str]:
        return [span.sent.strip() for span in segmenter.segment(text)]

    return segments, segmenter.segment


def run_segmentation(passes: int, say: Callable[[str], None], size: int = ONE_MB) -> dict[str, Any]:
    """Pass counts and timings of the service's segmenter, and of pySBD beside it when installed."""
    documents = corpus(size)
    whole = "\n\n".join(documents)
    piece = whole[:min(SIDE_BY_SIDE_CHARS, len(whole))]
    result: dict[str, Any] = {"chars": len(whole), "bytes": len(whole.encode("utf-8")), "articles": len(documents),
                              "piece_chars": len(piece), "budget_s": BUDGET_S,
                              "golden_total": len(_load("golden_rules_en.json")),
                              "news_total": len(_load("news_cases.json")), "rows": []}
    say(f"segmenting {len(whole):,} characters of news text")
    segments, segment = _service()
    result["rows"].append({
        "segmenter": "service", "golden": golden_passed(segments), "news_strict": news_passed_strictly(),
        "news_lenient": news_passed_leniently(segments),
        "articles_s": _best(lambda: [segment(d) for d in documents], passes),
        "one_text_s": _best(lambda: segment(whole), passes), "piece_s": _best(lambda: segment(piece), passes)})
    other = _pysbd()
    if other is None:
        result["pysbd"] = "not installed (pip install pysbd==0.3.4 to run it beside)"
        return result
    say("segmenting the same text with pySBD")
    segments, segment = other
    result["rows"].append({
        "segmenter": "pySBD 0.3.4", "golden": golden_passed(segments), "news_strict": None,
        "news_lenient": news_passed_leniently(segments),
        "articles_s": _best(lambda: [segment(d) for d in documents], passes), "one_text_s": None,
        "piece_s": _best(lambda: segment(piece), passes)})
    return result


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def render_segmentation(result: dict[str, Any]) -> list[str]:
    """The report's Markdown lines for this part."""
    mb = result["bytes"] / 1e6
    lines = ["", f"## Segmentation ({mb:.2f} MB of news text, {result['articles']:,} articles; budget "
                 f"{result['budget_s']:.0f} s)", "",
             f"| segmenter | golden rules | news cases, strict | news cases, as MEASUREMENTS.md | "
             f"as {result['articles']:,} articles, s | as one text, s | one {result['piece_chars'] // 1000} kB "
             "text, s | MB/s (articles) |", "|---|---|---|---|---|---|---|---|"]
    golden, news = result["golden_total"], result["news_total"]
    for row in result["rows"]:
        strict = "–" if row["news_strict"] is None else f"{row['news_strict']}/{news}"
        lines.append(f"| {row['segmenter']} | {row['golden']}/{golden} | {strict} | {row['news_lenient']}/{news} | "
                     f"{_cell(row['articles_s'])} | {_cell(row['one_text_s'])} | {_cell(row['piece_s'])} | "
                     f"{mb / row['articles_s']:.2f} |")
    service = result["rows"][0]
    lines.append("")
    lines.append(f"The service segments 1 MB in {max(service['articles_s'], service['one_text_s']):.2f} s, "
                 f"{max(service['articles_s'], service['one_text_s']) / result['budget_s']:.2f} of the budget.")
    if len(result["rows"]) > 1:
        other = result["rows"][1]
        lines.append(f"pySBD / service: {other['articles_s'] / service['articles_s']:.0f}× as articles, "
                     f"{other['piece_s'] / service['piece_s']:.0f}× on one {result['piece_chars'] // 1000} kB text.")
    else:
        lines.append(f"pySBD: {result.get('pysbd', 'not run')}.")
    return lines
