"""Memory and start-up soak: one gunicorn worker, many requests, the worker's RSS along the way.

    .venv/bin/python scripts/soak.py [--requests 10000] [--sample-every 1000] [--clients 4]
                                     [--models-dir DIR] [--out FILE]

Starts one gunicorn worker on 127.0.0.1 serving en→ja and en→ko plus the summarizer, from
``--models-dir`` or, without it, from random-weight Marians at opus-mt base size converted to
ctranslate2 int8 (``bench.models``, built in a temporary folder). Reports the time from start
to ``/readyz`` 200, then sends ``--requests`` requests (nine in ten one-to-three-sentence
``POST /v1/translate``, about one in ten ``POST /v1/briefs``; a third repeat the request before, so the
translation cache is hit as well as filled) from ``--clients`` threads, and samples the
worker's RSS every ``--sample-every`` requests. Prints a Markdown report (peak RSS, RSS at
each sample, growth from the first sample to the last) and a JSON line. Bounded: every wait
has a timeout, the server is always stopped.
"""
from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
READY_TIMEOUT_S = 180.0
REQUEST_TIMEOUT_S = 120.0
BRIEF_EVERY = 10  # one request in ten is a brief
REPEAT_EVERY = 3  # one request in three repeats an earlier text (a cache hit)
SENTENCES = (
    "The harbour authority reopened the northern pier after a month of repairs.",
    "Fishing crews said the closure had cost them most of the winter catch.",
    "The city council approved a larger budget for the breakwater next year.",
    "Engineers expect the work to finish before the summer ferry season.",
    "Residents of the old quarter asked for quieter night work on the quay.",
    "A regional bank agreed to lend the port two million euros at a low rate.",
    "Ferry operators plan to add a late sailing on weekends from June.",
    "The mayor said the new pier would be open to walkers in the evening.",
)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request_body(n: int) -> tuple[str, dict[str, Any]]:
    """The path and JSON body of request ``n`` (deterministic: the same ``n`` gives the same request)."""
    unique = n - 1 if n % REPEAT_EVERY == REPEAT_EVERY - 1 else n  # a repeat sends the previous request again
    first = SENTENCES[unique % len(SENTENCES)]
    if unique % BRIEF_EVERY == BRIEF_EVERY - 1:
        text = f"Port report {unique}. " + " ".join(SENTENCES[(unique + i) % len(SENTENCES)] for i in range(5))
        return "/v1/briefs", {"text": text, "sentences": 2, "target_langs": ["ja", "ko"]}
    segments = [f"Report {unique}: {first}"] + [SENTENCES[(unique + i) % len(SENTENCES)]
                                                  for i in range(1, unique % 3 + 1)]
    return "/v1/translate", {"segments": segments, "target_langs": ["ja" if unique % 2 else "ko"]}


def post(base: str, path: str, body: dict[str, Any]) -> str:
    """The status of one POST (``error:<type>`` when the connection failed)."""
    request = urllib.request.Request(base + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
            response.read()
            return str(response.status)
    except urllib.error.HTTPError as exc:
        exc.read()
        return str(exc.code)
    except OSError as exc:
        return f"error:{type(exc).__name__}"


def worker_memory_mb(master_pid: int) -> dict[str, float]:
    """``rss`` and ``peak`` (VmRSS, VmHWM) of the master's largest worker, in MB, from /proc."""
    best = {"rss": float("nan"), "peak": float("nan")}
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return best
    for pid in children:
        try:
            fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                          if ":" in line)
        except OSError:
            continue
        rss = int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
        if not rss <= best["rss"]:  # also replaces nan
            best = {"rss": round(rss, 1), "peak": round(int(fields.get("VmHWM", "0 kB").split()[0]) / 1024, 1)}
    return best


def start_server(models_dir: Path, tmp: Path, clients: int) -> tuple[subprocess.Popen[bytes], str, float]:
    """gunicorn with one worker on a free port; returns (process, base URL, seconds to /readyz 200)."""
    port = free_port()
    config = tmp / "soak.toml"
    config.write_text(
        f'models_dir = "{models_dir}"\nstore_path = "{tmp / "store.sqlite3"}"\nauto_pull = false\n'
        f'[http]\nhost = "127.0.0.1"\nport = {port}\nworkers = 1\nthreads = {clients + 2}\n'
        f'rate_limit = "100000000/minute"\n', encoding="utf-8")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = {"BRIEFS_CONFIG": str(config), "PYTHONPATH": str(REPO), "PATH": str(gunicorn.parent), "HOME": str(tmp)}
    started = time.monotonic()
    proc = subprocess.Popen([str(gunicorn), "wsgi:app", "-c", "config/gunicorn.conf.py"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=(tmp / "gunicorn.log").open("wb"))
    base = f"http://127.0.0.1:{port}"
    while time.monotonic() - started < READY_TIMEOUT_S:
        if proc.poll() is not None:
            log = (tmp / "gunicorn.log").read_text(encoding="utf-8", errors="replace").splitlines()
            raise RuntimeError("gunicorn exited before it was ready:\n" + "\n".join(log[-15:]))
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=5) as response:
                if response.status == 200:
                    return proc, base, time.monotonic() - started
        except OSError:
            time.sleep(0.1)
    stop_server(proc)
    raise RuntimeError(f"gunicorn not ready within {READY_TIMEOUT_S:g} s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn (and its worker), killing it if it does not stop in time."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


def soak(base: str, master_pid: int, requests: int, sample_every: int, clients: int) -> dict[str, Any]:
    """Send ``requests`` requests from ``clients`` threads; RSS sampled every ``sample_every`` answered."""
    lock = threading.Lock()
    counter = {"next": 0, "done": 0}
    statuses: Counter[str] = Counter()
    samples: list[dict[str, float]] = [{"requests": 0, **worker_memory_mb(master_pid)}]
    started = time.monotonic()

    def client() -> None:
        while True:
            with lock:
                n = counter["next"]
                if n >= requests:
                    return
                counter["next"] += 1
            status = post(base, *request_body(n))
            with lock:
                statuses[status] += 1
                counter["done"] += 1
                if counter["done"] % sample_every == 0 or counter["done"] == requests:
                    samples.append({"requests": counter["done"], **worker_memory_mb(master_pid)})

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT_S * (requests // clients + 2))
    return {"requests": counter["done"], "seconds": round(time.monotonic() - started, 1),
            "status": dict(statuses), "samples": samples}


def summarize(result: dict[str, Any]) -> dict[str, Any]:
    """Peak RSS and the growth between the first sample after start and the last one."""
    loaded = [s for s in result["samples"] if s["requests"] > 0] or result["samples"]
    peaks = [s["peak"] for s in result["samples"] if s["peak"] == s["peak"]]
    return {**result, "peak_rss_mb": max(peaks, default=float("nan")),
            "growth_mb": round(loaded[-1]["rss"] - loaded[0]["rss"], 1)}


def render(result: dict[str, Any]) -> str:
    """The Markdown report."""
    lines = ["# Soak: one gunicorn worker, en→ja + en→ko + summarizer", "",
             f"- models: {result['models']}",
             f"- requests: {result['requests']} in {result['seconds']} s from {result['clients']} clients "
             f"(status mix {result['status']})",
             f"- start to /readyz 200: {result['ready_s']:.1f} s",
             f"- worker peak RSS (VmHWM): {result['peak_rss_mb']:.0f} MB",
             f"- RSS growth from the first sample to the last: {result['growth_mb']:+.0f} MB", "",
             "| requests answered | worker RSS MB | worker peak MB |", "|---|---|---|"]
    lines += [f"| {s['requests']} | {s['rss']:.0f} | {s['peak']:.0f} |" for s in result["samples"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--sample-every", type=int, default=1_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--models-dir", type=Path, help="a model store (default: build opus-base-size bench models)")
    parser.add_argument("--output-tokens", type=int, default=16, help="fixed output length of the built models")
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.sample_every < 1 or args.clients < 1:
        parser.error("--requests, --sample-every and --clients must be at least 1")
    with tempfile.TemporaryDirectory(prefix="briefs-soak-") as scratch:
        tmp = Path(scratch)
        models_dir, models = args.models_dir, f"the store at {args.models_dir}"
        if models_dir is None:
            sys.path.insert(0, str(REPO))
            from bench.models import build_bench_models

            say = lambda message: print(f"[soak] {message}", file=sys.stderr, flush=True)  # noqa: E731
            models_dir = build_bench_models(tmp / "models", args.output_tokens, say).root
            models = (f"random-weight Marians at opus-mt base size, ctranslate2 int8, "
                      f"{args.output_tokens}-token outputs")
        proc, base, ready_s = start_server(Path(models_dir).resolve(), tmp, args.clients)
        try:
            result = soak(base, proc.pid, args.requests, args.sample_every, args.clients)
        finally:
            stop_server(proc)
    report = summarize({**result, "ready_s": round(ready_s, 2), "clients": args.clients, "models": models})
    text = render(report)
    print(text)
    print(json.dumps(report))
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0 if report["requests"] == args.requests else 1


if __name__ == "__main__":
    sys.exit(main())
