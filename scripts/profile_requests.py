"""Profile the request path: POST /v1/translate and /v1/briefs through the Flask test client.

    .venv/bin/python scripts/profile_requests.py --models-dir DIR [--requests 50] [--cache off]
                                                 [--out-dir DIR] [--show 25]

Builds the app once on the store in ``--models-dir`` (tiny models from ``models build-tiny``,
or the bench models), warms every path up (models loaded, first request served), then runs
``--requests`` requests of each kind under pyinstrument and prints, per kind, the mean wall
time per request and the profile's heaviest frames (its text rendering, trimmed to ``--show``
lines). Every request has a fresh text, so the translation cache (on unless ``--cache off``)
is filled but never hit. The HTML profiles go to ``--out-dir`` when given.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SENTENCES = (
    "The harbour authority reopened the northern pier after a month of repairs.",
    "Fishing crews said the closure had cost them most of the winter catch.",
    "The city council approved a larger budget for the breakwater next year.",
    "Engineers expect the work to finish before the summer ferry season.",
    "Residents of the old quarter asked for quieter night work on the quay.",
    "A regional bank agreed to lend the port two million euros at a low rate.",
)


def bodies(kind: str, n: int) -> dict[str, Any]:
    """Request ``n`` of ``kind`` (``translate``: three segments to ja; ``briefs``: a short article to ja + ko)."""
    if kind == "translate":
        return {"segments": [f"Item {n}: {SENTENCES[(n + i) % len(SENTENCES)]}" for i in range(3)],
                "target_langs": ["ja"]}
    text = f"Port report {n}. " + " ".join(SENTENCES[(n + i) % len(SENTENCES)] for i in range(6))
    return {"text": text, "sentences": 3, "target_langs": ["ja", "ko"]}


def profile(client: Any, kind: str, requests: int, start: int) -> tuple[float, Any]:
    """Mean seconds per request over ``requests`` requests of ``kind`` and the pyinstrument session."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    for n in range(start, start + requests):
        response = client.post(f"/v1/{kind}", json=bodies(kind, n))
        if response.status_code != 200:
            raise RuntimeError(f"/v1/{kind} answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
    profiler.stop()
    return (time.perf_counter() - started) / requests, profiler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--cache", choices=("on", "off"), default="on")
    parser.add_argument("--kinds", nargs="+", choices=("translate", "briefs"), default=["translate", "briefs"])
    parser.add_argument("--show", type=int, default=25, help="lines of each profile to print")
    parser.add_argument("--out-dir", type=Path, help="write each profile as HTML here")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from service.api.app import create_app
    from service.settings import load_settings

    with tempfile.TemporaryDirectory(prefix="briefs-profile-") as scratch:
        settings = load_settings(overrides={
            "models_dir": str(args.models_dir.resolve()), "store_path": str(Path(scratch) / "store.sqlite3"),
            "auto_pull": False, "cache": args.cache == "on", "http": {"rate_limit": "100000000/minute"}},
            environ={})
        client = create_app(settings).test_client()
        for kind in args.kinds:  # warm-up: models loaded, first request served
            for n in range(3):
                client.post(f"/v1/{kind}", json=bodies(kind, -1 - n))
        for kind in args.kinds:
            mean_s, profiler = profile(client, kind, args.requests, 0)
            print(f"## POST /v1/{kind}: {mean_s * 1000:.1f} ms per request (mean of {args.requests})\n")
            text = profiler.output_text(unicode=True, color=False, show_all=False)
            print("\n".join(text.splitlines()[:args.show]) + "\n")
            if args.out_dir:
                args.out_dir.mkdir(parents=True, exist_ok=True)
                (args.out_dir / f"{kind}.html").write_text(profiler.output_html(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
