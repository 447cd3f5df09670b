"""The service under load: gunicorn on 127.0.0.1, concurrent one-sentence POST /v1/translate
for a fixed time, cross-request batching on and off; one client's latency against calling
the pipeline directly. Bounded: every wait has a timeout and each server is stopped."""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.concurrent_briefs import _free_port, _metric, _post
from bench.models import BenchModels

REPO = Path(__file__).resolve().parents[1]
BATCHING = {"on": {"batch_max_wait_ms": 5, "batch_max_size": 64}, "off": {"batch_max_wait_ms": 0, "batch_max_size": 1}}
# Batching on with one engine call at a time using every core for it (intra_threads), so the
# batches that gather while it runs are as large as the load allows.
ALL_CORES = "on_all_cores"


def _all_cores_threads() -> dict[str, int]:
    from models.threads import available_cores

    return {"inter_threads": 1, "intra_threads": available_cores()}


def _start(models: BenchModels, tmp: Path, clients: int, batching: dict[str, int],
           translation: dict[str, int] | None = None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    config = tmp / f"gunicorn-{port}.toml"
    http = "".join(f"{key} = {value}\n" for key, value in {**batching, **_unbounded()}.items())
    threads = "".join(f"{key} = {value}\n" for key, value in (translation or {}).items())
    config.write_text(
        f'models_dir = "{models.root}"\nstore_path = "{tmp / f"store-{port}.sqlite3"}"\nauto_pull = false\n'
        f'cache = false\n'
        f'[translation]\n{threads}'
        f'[http]\nhost = "127.0.0.1"\nport = {port}\nworkers = 1\nthreads = {clients + 2}\n{http}'
        f'rate_limit = "1000000/minute"\n', encoding="utf-8")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = {"BRIEFS_CONFIG": str(config), "PYTHONPATH": str(REPO), "PATH": str(gunicorn.parent), "HOME": str(tmp)}
    proc = subprocess.Popen([str(gunicorn), "wsgi:app", "-c", "config/gunicorn.conf.py"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    deadline = started + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited before it was ready")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=5) as resp:
                if resp.status == 200:
                    proc.ready_s = time.monotonic() - started  # type: ignore[attr-defined]
                    return proc, base
        except OSError:
            time.sleep(0.25)
    _stop(proc)
    raise RuntimeError("gunicorn not ready within 120 s")


def _unbounded() -> dict[str, int]:
    """Admission limits off (where this version has them), so every client reaches the batcher."""
    from dataclasses import fields

    from service.settings import HttpOptions

    names = {f.name for f in fields(HttpOptions)}
    return {key: 0 for key in ("model_slots", "request_deadline_s") if key in names}


def _worker_peak_rss_mb(proc: subprocess.Popen) -> float:
    """Peak resident memory (VmHWM) of gunicorn's largest worker, from /proc (nan elsewhere)."""
    try:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        peaks = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            peaks += [int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")]
        return max(peaks)
    except (OSError, ValueError):
        return float("nan")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


def _load(base: str, sentences: list[str], clients: int, seconds: float) -> tuple[int, int, list[float]]:
    """(ok, failed, latencies) of ``clients`` threads posting one sentence each until ``seconds`` pass."""
    stop_at = time.monotonic() + seconds
    lock = threading.Lock()
    ok, failed, latencies = [0], [0], []

    def client(n: int) -> None:
        i = n
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            status = _post(base + "/v1/translate", {"segments": [sentences[i % len(sentences)]],
                                                    "target_langs": ["ja"], "include": []}, timeout=60)
            with lock:
                if status == 200:
                    ok[0] += 1
                    latencies.append(time.perf_counter() - started)
                else:
                    failed[0] += 1
            i += clients

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return ok[0], failed[0], latencies


def _batch_mean(base: str) -> float:
    with urllib.request.urlopen(base + "/metrics", timeout=30) as resp:
        text = resp.read().decode()
    calls = _metric(text, "briefs_translation_batch_size_count")
    return _metric(text, "briefs_translation_batch_size_sum") / max(calls, 1.0)


def _direct_latency(models: BenchModels, tmp: Path, sentences: list[str], seconds: float) -> float:
    """Median seconds of ``translate_segments`` on one sentence, in this process."""
    from bench.translation import bench_settings
    from service.pipeline import BriefRequest, translate_segments
    from service.runtime.resources import Resources

    resources = Resources(bench_settings(models, tmp, cache=False))
    request = BriefRequest(target_langs=("ja",))
    translate_segments(sentences[:1], request, resources)
    times, stop_at, i = [], time.monotonic() + seconds, 0
    while time.monotonic() < stop_at:
        started = time.perf_counter()
        translate_segments([sentences[i % len(sentences)]], request, resources)
        times.append(time.perf_counter() - started)
        i += 1
    return statistics.median(times)


def run_service(models: BenchModels, sentences: list[str], clients: int, seconds: float,
                say: Callable[[str], None]) -> dict[str, Any]:
    """Requests per second at ``clients`` with batching on and off; single-client latency ratio."""
    result: dict[str, Any] = {"clients": clients}
    with tempfile.TemporaryDirectory(prefix="briefs-bench-serve-") as scratch:
        tmp = Path(scratch)
        configs = [(label, batching, None) for label, batching in BATCHING.items()]
        configs.append((ALL_CORES, BATCHING["on"], _all_cores_threads()))
        for label, batching, translation in configs:
            say(f"service: gunicorn, batching {label}, {clients} clients for {seconds:g} s")
            proc, base = _start(models, tmp, clients, batching, translation)
            try:
                _load(base, sentences, min(clients, 4), 1.0)  # warm-up
                ok, failed, _ = _load(base, sentences, clients, seconds)
                result[f"rps_{label}"] = ok / seconds
                result[f"failed_{label}"] = failed
                result[f"batch_mean_{label}"] = _batch_mean(base)
                result[f"ready_s_{label}"] = getattr(proc, "ready_s", float("nan"))
                result[f"peak_rss_mb_{label}"] = _worker_peak_rss_mb(proc)
                if label == "on":
                    say("service: one client")
                    _, _, latencies = _load(base, sentences, 1, seconds / 2)
                    result["latency_one_client"] = statistics.median(latencies) if latencies else float("nan")
            finally:
                _stop(proc)
        result["latency_direct"] = _direct_latency(models, tmp, sentences, seconds / 2)
    return result
