"""The Markdown report: machine details, then one table per part with figures and ratios."""
from __future__ import annotations

import os
import platform
from importlib import metadata
from typing import Any

from bench.jobs import render_jobs, render_stream
from models.threads import available_cores

LIBRARIES = ("ctranslate2", "torch", "transformers", "gunicorn", "flask")


def machine() -> dict[str, str]:
    """Cores, CPU model, load, Python and library versions."""
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return {"cores": str(available_cores()), "cpu": cpu, "load average (1, 5, 15 min)": load,
            "python": platform.python_version(), "libraries": ", ".join(versions)}


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _all_cores_rows(service: dict[str, Any]) -> list[str]:
    """Batching on with one engine call at a time on every core (bench.service.ALL_CORES), against off."""
    if "rps_on_all_cores" not in service:
        return []
    ratio = service["rps_on_all_cores"] / service["rps_off"] if service["rps_off"] else float("nan")
    return ["", "| batching on, one engine call at a time on all cores (inter_threads 1, intra_threads = cores) "
            "| value | vs batching off |", "|---|---|---|",
            f"| requests/s at {service['clients']} clients | {_num(service['rps_on_all_cores'])} | {ratio:.2f}× |",
            f"| mean sentences per engine call | {_num(service['batch_mean_on_all_cores'])} | |",
            f"| failed requests | {service['failed_on_all_cores']} | |"]


def render(results: dict[str, Any]) -> str:
    """The whole report as Markdown."""
    lines = ["# python -m bench" + (" --quick" if results["quick"] else ""), ""]
    lines += [f"- {key}: {value}" for key, value in results["machine"].items()]
    lines += [f"- {key}: {value}" for key, value in results["setup"].items()]
    translation = results.get("translation")
    if translation:
        lines += ["", "## Translation stage (text in → text out)", "",
                  "| path | greedy sent/s | beam 4 sent/s | share of the engine limit (greedy / beam 4) |",
                  "|---|---|---|---|"]
        for row in translation["rows"]:
            share = f"{_num(row['share_greedy'], 2)} / {_num(row['share_beam4'], 2)}"
            lines.append(f"| {row['path']} | {_num(row['greedy'])} | {_num(row['beam4'])} | {share} |")
        lines += ["", f"Engine limit / naive (greedy): {translation['naive_vs_limit']:.1f}×"]
    service = results.get("service")
    if service:
        ratio = service["rps_on"] / service["rps_off"] if service["rps_off"] else float("nan")
        latency = service["latency_one_client"] / service["latency_direct"]
        lines += ["", "## Service (gunicorn, one worker, one-sentence POST /v1/translate to ja)", "",
                  "| measure | batching on | batching off | ratio |", "|---|---|---|---|",
                  f"| requests/s at {service['clients']} clients | {_num(service['rps_on'])} | "
                  f"{_num(service['rps_off'])} | {ratio:.2f}× |",
                  f"| mean sentences per engine call | {_num(service['batch_mean_on'])} | "
                  f"{_num(service['batch_mean_off'])} | |",
                  f"| failed requests | {service['failed_on']} | {service['failed_off']} | |",
                  *([f"| requests/s as a share of the engine limit (beam 4) | "
                     f"{service['rps_on'] / translation['rows'][-1]['beam4']:.2f} | "
                     f"{service['rps_off'] / translation['rows'][-1]['beam4']:.2f} | |"] if translation else []),
                  f"| start to /readyz 200, s (both pairs loaded) | {_num(service.get('ready_s_on'))} | "
                  f"{_num(service.get('ready_s_off'))} | |",
                  f"| worker peak RSS, MB (after the load) | {_num(service.get('peak_rss_mb_on'), 0)} | "
                  f"{_num(service.get('peak_rss_mb_off'), 0)} | |",
                  *_all_cores_rows(service),
                  "", "| measure | over HTTP, one client | pipeline called directly | ratio |", "|---|---|---|---|",
                  f"| median latency ms | {service['latency_one_client'] * 1000:.1f} | "
                  f"{service['latency_direct'] * 1000:.1f} | {latency:.2f}× |"]
    lines += _brief(results.get("brief"))
    lines += _many(results.get("many"), translation)
    lines += _cache(results.get("cache"))
    lines += render_jobs(results.get("jobs"))
    lines += render_stream(results.get("stream"))
    if results.get("summarizer"):
        from bench.summarizer import render_summarizer

        lines += render_summarizer(results["summarizer"])
    if results.get("entities"):
        from bench.entities import render_entities

        lines += render_entities(results["entities"])
    if results.get("segmentation"):
        from bench.segmentation import render_segmentation

        lines += render_segmentation(results["segmentation"])
    if results.get("quality"):
        from bench.quality.evaluate import render_quality

        lines += render_quality(results["quality"])
    lines += ["", *results.get("notes", [])]
    return "\n".join(lines) + "\n"


def _brief(brief: dict[str, Any] | None) -> list[str]:
    if not brief:
        return []
    lines = ["", "## Brief end to end (~1,000 words → 5 sentences, ja + ko)", "",
             "| stage | median ms | share of the total |", "|---|---|---|"]
    for stage, ms in brief["stages_ms"].items():
        lines.append(f"| {stage} | {ms:.1f} | {brief['shares'][stage]:.2f} |")
    lines.append(f"| **total** | {brief['total_ms']:.1f} | 1.00 |")
    if "embedded_per_brief" in brief:
        lines += ["", f"Summarizer backend: {brief['backend']}; sentences embedded per brief: "
                      f"{brief['embedded_per_brief']:.0f} of {brief['sentences']} in the article "
                      f"({brief['embedded_per_brief'] / max(brief['sentences'], 1):.2f} per sentence)."]
    backends = brief.get("backends")
    if backends and backends.get("torch") and backends.get("ctranslate2"):
        ct2_ms, torch_ms = 1000 / backends["ctranslate2"], 1000 / backends["torch"]
        lines += ["", "| extractive summarizer, same article | ctranslate2 int8 | torch fp32 | torch / ctranslate2 |",
                  "|---|---|---|---|",
                  f"| median ms per summary | {ct2_ms:.1f} | {torch_ms:.1f} | {torch_ms / ct2_ms:.2f}× |"]
    return lines


def _many(many: dict[str, Any] | None, translation: dict[str, Any] | None) -> list[str]:
    if not many or not translation:
        return []
    limit = translation["rows"][-1]["beam4"]
    lines = ["", "## Many articles at once (ja, beam 4)", "",
             "| measure | value |", "|---|---|",
             f"| articles / translated sentences | {many['articles']} / {many['sentences']} |",
             f"| translated sentences/s, one pipeline call (summarizing included) | {_num(many['sent_per_s'])} |",
             f"| its share of the engine limit (beam 4) | {many['sent_per_s'] / limit:.2f} |",
             f"| translated sentences/s, translate stage | {_num(many['translate_sent_per_s'])} |",
             f"| its share of the engine limit (beam 4) | {many['translate_sent_per_s'] / limit:.2f} |"]
    if "summarize_share" in many:
        lines.append(f"| summarize stage's share of the pipeline call | {many['summarize_share']:.2f} |")
    batch = many.get("batch")
    if batch:
        lines += [f"| translated sentences/s, batch runner (`service batch` over a folder: read, "
                  f"{batch['groups']} group(s), write) | {_num(batch['sent_per_s'])} |",
                  f"| its share of the engine limit (beam 4) | {batch['sent_per_s'] / limit:.2f} |"]
    return lines


def _cache(cache: dict[str, Any] | None) -> list[str]:
    if not cache:
        return []
    on, off = cache["on"], cache["off"]
    lines = ["", "## A repeated brief, caches on vs off (translation and summary)", "",
             "| measure | cache on | cache off | off / on |", "|---|---|---|---|"]
    for stage in ("summarize", "translate"):
        if f"{stage}_ms" in on:
            lines.append(f"| {stage} stage ms | {on[f'{stage}_ms']:.1f} | {off[f'{stage}_ms']:.1f} | "
                         f"{off[f'{stage}_ms'] / max(on[f'{stage}_ms'], 1e-3):.1f}× |")
    lines.append(f"| whole brief ms | {on['total_ms']:.1f} | {off['total_ms']:.1f} | "
                 f"{off['total_ms'] / max(on['total_ms'], 1e-3):.1f}× |")
    return lines
