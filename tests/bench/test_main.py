"""``python -m bench``: the report's shape, and ``--quick`` run once end to end (no timing asserted)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import PARTS, QUICK, main
from bench.report import machine, render

REPO = Path(__file__).resolve().parents[2]
TABLE_HEADS = ("## Translation stage", "## Service", "## Brief end to end", "## Many articles", "## A repeated brief")


def _results() -> dict:
    row = {"path": "p", "greedy": 2.0, "beam4": 1.0, "share_greedy": 0.5, "share_beam4": 1.0}
    return {
        "quick": True, "machine": machine(), "setup": {"work": "w"},
        "translation": {"rows": [row, {**row, "path": "raw", "beam4": 4.0}], "naive_vs_limit": 3.0},
        "service": {"clients": 16, "rps_on": 30.0, "rps_off": 10.0, "batch_mean_on": 8.0, "batch_mean_off": 1.0,
                    "failed_on": 0, "failed_off": 0, "latency_one_client": 0.12, "latency_direct": 0.1},
        "brief": {"total_ms": 10.0, "stages_ms": {"summarize": 2.0, "translate": 8.0},
                  "shares": {"summarize": 0.2, "translate": 0.8}},
        "many": {"articles": 3, "sentences": 15, "sent_per_s": 2.0, "translate_sent_per_s": 3.6},
        "cache": {"on": {"total_ms": 50.0, "translate_ms": 1.0}, "off": {"total_ms": 100.0, "translate_ms": 40.0}},
        "notes": ["n"],
    }


def test_machine_details_name_cores_cpu_and_libraries():
    details = machine()
    assert int(details["cores"]) >= 1
    assert "ctranslate2" in details["libraries"]
    assert "torch" in details["libraries"]


def test_report_has_a_table_per_part_with_ratios():
    text = render(_results())
    for head in TABLE_HEADS:
        assert head in text
    assert "| requests/s at 16 clients | 30.0 | 10.0 | 3.00× |" in text
    assert "| median latency ms | 120.0 | 100.0 | 1.20× |" in text
    assert "| its share of the engine limit (beam 4) | 0.50 |" in text
    assert "| its share of the engine limit (beam 4) | 0.90 |" in text
    assert "| requests/s as a share of the engine limit (beam 4) | 7.50 | 2.50 | |" in text
    assert "| translate stage ms | 1.0 | 40.0 | 40.0× |" in text


def test_report_leaves_out_parts_not_run():
    results = _results()
    del results["service"], results["many"]
    text = render(results)
    assert "## Service" not in text
    assert "## Many articles" not in text
    assert "## Translation stage" in text


def test_unknown_part_is_refused(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--parts", "nonsense"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_quick_plan_is_smaller_than_the_full_one():
    from bench.__main__ import FULL

    assert all(QUICK[key] <= FULL[key] for key in FULL)
    assert set(PARTS) == {"translation", "service", "brief", "many", "cache", "summarizer", "segmentation",
                          "quality", "entities", "jobs", "stream"}


@pytest.mark.slow
def test_quick_bench_runs_and_prints_the_tables(tmp_path):
    out = tmp_path / "bench.md"
    proc = subprocess.run([sys.executable, "-m", "bench", "--quick", "--out", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for head in (*TABLE_HEADS, "## Abstractive summarizer", "## Segmentation", "## Entities"):
        assert head in proc.stdout
    assert "| path | greedy sent/s | beam 4 sent/s |" in proc.stdout
    assert out.read_text(encoding="utf-8") in proc.stdout + "\n"


def test_report_shows_the_summarizer_backends_embeddings_batch_runner_and_summary_cache():
    results = _results()
    results["brief"].update(sentences=40, embedded_per_brief=40.0, backend="ctranslate2",
                            backends={"ctranslate2": 10.0, "torch": 5.0})
    results["many"].update(summarize_share=0.1, batch={"articles": 3, "sentences": 15, "sent_per_s": 3.2,
                                                       "groups": 1})
    results["cache"]["on"]["summarize_ms"] = 2.0
    results["cache"]["off"]["summarize_ms"] = 80.0
    text = render(results)
    assert "sentences embedded per brief: 40 of 40 in the article (1.00 per sentence)" in text
    assert "| median ms per summary | 100.0 | 200.0 | 2.00× |" in text
    assert "| summarize stage's share of the pipeline call | 0.10 |" in text
    assert "batch runner" in text
    assert "| its share of the engine limit (beam 4) | 0.80 |" in text
    assert "| summarize stage ms | 2.0 | 80.0 | 40.0× |" in text


def test_report_shows_entities_per_detector_set_and_the_brief_share():
    results = _results()
    row = {"set": "glossary + CLDR + heuristic", "recall": 0.977, "precision": 0.974, "learned": 271,
           "short_linked": 0.99, "short": 99, "ambiguous_linked": 0, "ambiguous": 0, "ms_per_1000_words": 100.0,
           "missed": ["a: X"], "wrong": []}
    results["entities"] = {"articles": 14, "rows": [row],
                           "share": [{"detector": "heuristic", "brief_ms": 1000.0, "entities_ms": 20.0, "share": 0.02}]}
    text = render(results)
    assert "## Entities (14 annotated articles" in text
    assert "| glossary + CLDR + heuristic | 0.977 | 0.974 (271 names) | 0.990 (99) | 0 of 0 | 100.0 |" in text
    assert "| heuristic | 1000.0 | 20.0 | 0.020 |" in text
    assert "no NER row" in text
    assert "- missed a: X" in text


def test_the_jobs_and_stream_tables_show_their_ratios():
    text = render({**_results(), "jobs": {"articles": 32, "rounds": 2, "batch_s": 20.0, "job_s": 21.0,
                                          "batch_per_s": 1.6, "job_per_s": 1.52, "ratio": 0.95},
                   "stream": {"passes": 3, "json_ms": 3000.0, "first_segment_ms": 900.0, "stream_done_ms": 5000.0,
                              "first_over_json": 0.3, "stream_over_json": 1.67}})
    assert "| **job throughput / batch throughput** | | **0.95** |" in text
    assert "| first `segment` event of the stream | 900 | **0.30** |" in text
