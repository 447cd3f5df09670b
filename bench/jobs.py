"""Jobs and streams side by side with what they stand in for.

``jobs``: one archive through the batch command's runner (``run_batch``, plain Resources) and as a job
(submitted to the store, claimed and run by a worker on a server's Resources with the micro-batcher,
every article recorded in the store), alternating, in one process: articles per second of each and
their ratio. ``stream``: a 10-sentence brief as one JSON answer and as server-sent events (the Flask
app in process): time to the first ``segment`` event against the whole JSON answer.
"""
from __future__ import annotations

import io
import statistics
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.models import BenchModels, article
from bench.translation import bench_settings


def _archive(path: Path, articles: int, tag: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(articles):
            archive.writestr(f"wire/article-{n:04d}.txt", article(250).replace(" the ", f" the {tag}{n} ", 2))
    return path


def run_jobs(models: BenchModels, tmp: Path, articles: int, rounds: int, say: Callable[[str], None]
             ) -> dict[str, Any]:
    """Articles per second: the batch runner on a zip, and the same zip (other text) as a job."""
    from service.api.app import micro_batch_wrapper
    from service.batch.runner import BatchJob, run_batch
    from service.jobs.model import JobOptions
    from service.jobs.service import Jobs
    from service.pipeline import BriefRequest, build_brief
    from service.runtime.resources import Resources
    from service.storage.tenancy import SINGLE_USER

    settings = bench_settings(models, tmp, cache=False, store_path=str(tmp / "jobs.sqlite3"),
                              jobs={"worker_threads": 0, "work_dir": str(tmp / "job-work")})
    plain = Resources(settings)
    served = Resources(settings, translator_wrapper=micro_batch_wrapper(settings))
    request = BriefRequest(target_langs=("ja",), sentences=3)
    for resources in (plain, served):
        build_brief(article(120), request, resources)  # models loaded and warm
    jobs = Jobs(settings)
    worker = jobs.worker(served, "bench")
    warm = _archive(tmp / "warm.zip", 2, "warm")  # the job path's first use (tables, queue) is not measured
    jobs.submit(warm, warm.name, JobOptions(target_langs=("ja",), sentences=3), tenant=SINGLE_USER, key_id=None)
    worker.run_next()
    say(f"jobs: {articles} articles, batch runner vs job, {rounds} round(s) each, alternating")
    seconds: dict[str, list[float]] = {"batch": [], "job": []}
    for n in range(rounds):
        for label in (("batch", "job") if n % 2 == 0 else ("job", "batch")):
            source = _archive(tmp / f"{label}-{n}.zip", articles, f"{label}{n}x")
            started = time.perf_counter()
            if label == "batch":
                summary = run_batch(BatchJob(source, tmp / f"out-{n}", request, ("json",)), settings,
                                    resources=plain, stream=io.StringIO(), quiet=True)
                built = summary.ok
            else:
                job = jobs.submit(source, source.name, JobOptions(target_langs=("ja",), sentences=3),
                                  tenant=SINGLE_USER, key_id=None)
                worker.run_next()
                built = jobs.store.get(job.id).ok
            seconds[label].append(time.perf_counter() - started)
            if built != articles:
                raise RuntimeError(f"{label}: {built} of {articles} articles built")
    batch, job = statistics.median(seconds["batch"]), statistics.median(seconds["job"])
    return {"articles": articles, "rounds": rounds, "batch_s": batch, "job_s": job,
            "batch_per_s": articles / batch, "job_per_s": articles / job, "ratio": batch / job}


def run_stream(models: BenchModels, tmp: Path, passes: int, say: Callable[[str], None]) -> dict[str, Any]:
    """A 10-sentence brief (ja + ko): the JSON answer's time, and the stream's first segment and end."""
    from service.api.app import create_app

    settings = bench_settings(models, tmp, cache=False, store_path=str(tmp / "stream.sqlite3"),
                              http={"rate_limit": "1000000/minute", "request_deadline_s": 600},
                              jobs={"worker_threads": 0})
    app = create_app(settings)
    client = app.test_client()
    text = article(900)
    body = {"text": text, "sentences": 10, "target_langs": ["ja", "ko"]}
    client.post("/v1/briefs", json={**body, "text": article(200)})  # models loaded and warm
    say(f"stream: a 10-sentence brief in ja and ko, JSON vs events, {passes} interleaved pass(es)")
    times: dict[str, list[float]] = {"json": [], "first_segment": [], "stream_done": []}
    for n in range(passes):
        variant = {**body, "text": text.replace(" the ", f" the {n} ", 3)}
        started = time.perf_counter()
        response = client.post("/v1/briefs", json=variant)
        assert response.status_code == 200
        assert len(response.get_json()["segments"]) == 10
        times["json"].append(time.perf_counter() - started)
        variant = {**body, "text": text.replace(" the ", f" the {n}s ", 3)}
        started = time.perf_counter()
        response = client.post("/v1/briefs", json=variant, headers={"Accept": "text/event-stream"})
        first = None
        for chunk in response.response:
            if first is None and b"event: segment" in chunk:
                first = time.perf_counter() - started
        times["stream_done"].append(time.perf_counter() - started)
        if first is None:
            raise RuntimeError("the stream sent no segment")
        times["first_segment"].append(first)
    medians = {label: statistics.median(values) * 1000 for label, values in times.items()}
    return {**{f"{label}_ms": ms for label, ms in medians.items()}, "passes": passes,
            "first_over_json": medians["first_segment"] / medians["json"],
            "stream_over_json": medians["stream_done"] / medians["json"]}


def render_jobs(jobs: dict[str, Any] | None) -> list[str]:
    if not jobs:
        return []
    return ["", f"## Jobs vs the batch command ({jobs['articles']} articles, ja, 3 sentences; "
                f"median of {jobs['rounds']} alternating round(s))", "",
            "| path | seconds | articles/s |", "|---|---|---|",
            f"| batch runner (`python -m service batch`'s run_batch) | {jobs['batch_s']:.2f} | "
            f"{jobs['batch_per_s']:.2f} |",
            f"| job (submit → worker → every article recorded in the store) | {jobs['job_s']:.2f} | "
            f"{jobs['job_per_s']:.2f} |",
            f"| **job throughput / batch throughput** | | **{jobs['ratio']:.2f}** |"]


def render_stream(stream: dict[str, Any] | None) -> list[str]:
    if not stream:
        return []
    return ["", f"## Streamed brief (10 sentences, ja + ko; median of {stream['passes']} pass(es))", "",
            "| measure | ms | / JSON answer |", "|---|---|---|",
            f"| whole brief as one JSON answer | {stream['json_ms']:.0f} | 1.00 |",
            f"| first `segment` event of the stream | {stream['first_segment_ms']:.0f} | "
            f"**{stream['first_over_json']:.2f}** |",
            f"| the stream's last event | {stream['stream_done_ms']:.0f} | {stream['stream_over_json']:.2f} |"]
