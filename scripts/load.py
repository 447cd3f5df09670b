"""Closed-loop load on a running service: N clients post briefs for a fixed time, then a report.

    python scripts/load.py --url http://127.0.0.1:8000 --clients 16 64 --seconds 30 --master-pid <gunicorn pid>
    python scripts/load.py --clients 16 64 --backoff honour none     # both kinds of client, side by side

Reports per client count and kind of client: useful throughput (200s per second), latency
p50/p95/p99/max, the status mix (200 vs 503/429 with Retry-After) and the RSS of the gunicorn
workers before and after (children of --master-pid). Clients that ``honour`` Retry-After wait
as told before they try again; clients with ``none`` send the next request at once, as a
misbehaving client does; the service must keep its useful throughput under both. The last line
compares each run's useful throughput with the first run of the same kind.
Only the standard library: it runs wherever the service runs.
"""
from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ARTICLE = ("Harbor officials in the northern port reopened the main pier on Tuesday after a month of repairs. "
           "Fishing crews said the closure had cost them most of the winter catch. The city council approved "
           "a larger budget for the breakwater next year. Engineers expect the work to finish before the "
           "summer season, when ferry traffic doubles. Residents asked for quieter night work.")


def worker_rss_mb(master_pid: int | None) -> float | None:
    """Summed RSS of the master's child processes (the gunicorn workers), from /proc."""
    if master_pid is None:
        return None
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return round(total / 1024, 1)


def run(url: str, clients: int, seconds: float, timeout: float, backoff: str = "honour") -> dict:
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()

    def client(n: int) -> None:
        sent = 0
        while time.monotonic() < stop:
            sent += 1
            # Every request its own sentences: the translation and summary caches cannot answer for the models.
            text = ARTICLE.replace(". ", f" (report {n}-{sent}). ")
            body = json.dumps({"text": text, "sentences": 2}).encode()
            request = urllib.request.Request(url + "/v1/briefs", data=body,
                                             headers={"Content-Type": "application/json"})
            start = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    response.read()
                    status = str(response.status)
            except urllib.error.HTTPError as exc:
                exc.read()
                status = f"{exc.code}{'+Retry-After' if exc.headers.get('Retry-After') else ''}"
                if exc.code in (429, 503) and backoff == "honour":
                    time.sleep(min(float(exc.headers.get("Retry-After") or 1), seconds))
            except OSError as exc:
                status = f"error:{type(exc).__name__}"
            with lock:
                latencies.append(time.monotonic() - start)
                statuses[status] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + timeout + 10)
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 3) if ordered else float("nan")

    return {"clients": clients, "backoff": backoff, "seconds": seconds, "requests": len(ordered),
            "ok_per_s": round(statuses.get("200", 0) / seconds, 2),
            "p50_s": pct(0.50), "p95_s": pct(0.95), "p99_s": pct(0.99), "max_s": round(max(ordered, default=0), 3),
            "mean_s": round(statistics.fmean(ordered), 3) if ordered else None, "status": dict(statuses)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--master-pid", type=int, help="gunicorn master pid, to report the workers' RSS")
    parser.add_argument("--backoff", nargs="+", default=["honour"], choices=["honour", "none"],
                        help="clients that honour Retry-After, clients that retry at once, or both in turn")
    args = parser.parse_args()
    first: dict[str, float] = {}
    for backoff in args.backoff:
        for clients in args.clients:
            before = worker_rss_mb(args.master_pid)
            report = run(args.url, clients, args.seconds, args.timeout, backoff)
            report.update(rss_mb_before=before, rss_mb_after=worker_rss_mb(args.master_pid))
            base = first.setdefault(backoff, report["ok_per_s"])
            report["ok_ratio_to_first"] = round(report["ok_per_s"] / base, 2) if base else None
            print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
