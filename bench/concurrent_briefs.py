"""Cross-request batching under load: gunicorn on 127.0.0.1 with tiny models, N concurrent briefs.

    .venv/bin/python bench/concurrent_briefs.py --models-dir D [--clients 32]

Runs the same load twice, side by side: with the micro-batcher (http.batch_max_wait_ms = 20) and
with each request sent to the engine on its own (batch_max_size = 1, no wait). Prints,
for each, the requests that succeeded, the wall time and the engine batch sizes from /metrics,
then the ratio of the two wall times. Bounded: every wait has a timeout; servers are stopped.
"""
from __future__ import annotations

import argparse
import json
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url: str, body: dict, timeout: float = 120) -> int:
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _metric(text: str, name: str) -> float:
    match = re.search(rf"^{name} (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", required=True)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--sentences", type=int, default=2)
    args = parser.parse_args()
    walls = {}
    for label, batching in (("batched", "batch_max_wait_ms = 20\nbatch_max_size = 64"),
                            ("unbatched", "batch_max_wait_ms = 0\nbatch_max_size = 1")):
        wall = run_load(args, label, batching)
        if wall is None:
            return 1
        walls[label] = wall
    print(f"wall time unbatched / batched: {walls['unbatched'] / walls['batched']:.2f}x")
    return 0


def run_load(args: argparse.Namespace, label: str, batching: str) -> float | None:
    """Start gunicorn with ``batching`` settings, send the load, print figures; the wall time."""
    port = _free_port()
    tmp = Path(tempfile.mkdtemp(prefix="briefs-bench-"))
    config = tmp / "bench.toml"
    config.write_text(
        f'models_dir = "{Path(args.models_dir).resolve()}"\nstore_path = "{tmp / "store.sqlite3"}"\n'
        f'auto_pull = false\n[http]\nhost = "127.0.0.1"\nport = {port}\nworkers = 1\n'
        f'threads = {args.clients}\n{batching}\nrate_limit = "100000/minute"\n', encoding="utf-8")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = {"BRIEFS_CONFIG": str(config), "PYTHONPATH": str(REPO), "PATH": str(gunicorn.parent), "HOME": str(tmp)}
    proc = subprocess.Popen([str(gunicorn), "wsgi:app", "-c", "config/gunicorn.conf.py"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.25)
        else:
            print("server not ready in 120 s", file=sys.stderr)
            return None
        bodies = [{"text": f"Report {n} says the bridge reopened. Report {n} adds that repairs cost more. "
                           f"Report {n} expects traffic to rise.", "sentences": args.sentences}
                  for n in range(args.clients)]
        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            statuses = list(pool.map(lambda b: _post(base + "/v1/briefs", b), bodies, timeout=600))
        wall = time.perf_counter() - started
        with urllib.request.urlopen(base + "/metrics", timeout=30) as resp:
            text = resp.read().decode()
        calls = _metric(text, "briefs_translation_batch_size_count")
        sentences = _metric(text, "briefs_translation_batch_size_sum")
        ok = sum(s == 200 for s in statuses)
        print(f"{label}: requests ok {ok}/{len(statuses)} in {wall:.2f} s; engine calls {calls:.0f} for "
              f"{sentences:.0f} sentences (mean {sentences / max(calls, 1):.1f}; one request brings "
              f"{args.sentences} per language)")
        return wall if ok == len(statuses) else None
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    sys.exit(main())
