"""Detection never holds a worker (issue 25, finding 1): huge texts without a source, under gunicorn.

lingua's time grows much faster than linearly with a word's length and it holds the interpreter
lock, so on one worker a 300,000-character text without a source used to stall every request --
``/healthz`` included -- for many seconds. Here a probe asks ``/healthz`` every 200 ms while such
texts arrive at ``/detect``, ``/v2/translate`` and LibreTranslate's ``source=auto``: over the
limit they are refused before detection; under it, detection reads a bounded sample.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest

from tests.servers import running_gunicorn

pytestmark = pytest.mark.slow

PROBE_EVERY_S = 0.2
SLOWEST_PROBE_S = 1.0
HUGE = "x" * 300_000  # one 300,000-character word: lingua's slowest input
UNDER_LIMIT = "x" * 99_000  # limits.max_chars is 100,000 by default


def post(base: str, path: str, body: dict) -> int:
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class Probe(threading.Thread):
    """GET /healthz every PROBE_EVERY_S until stopped; keeps each answer's time."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base, self.times, self.stop = base, [], threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            start = time.monotonic()
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=30) as response:
                    response.read()
            except OSError:
                pass  # a probe that failed counts with its time, like one that answered late
            self.times.append(time.monotonic() - start)
            self.stop.wait(PROBE_EVERY_S)


def test_huge_texts_without_a_source_never_stall_the_worker(tiny_models_dir, tmp_path):
    with running_gunicorn(tmp_path, tiny_models_dir) as server:
        assert post(server.base, "/detect", {"q": "Officials met in Tokyo on Monday."}) == 200  # detector loaded
        probe = Probe(server.base)
        probe.start()
        try:
            answers = {
                "detect-huge": post(server.base, "/detect", {"q": HUGE}),
                "deepl-huge": post(server.base, "/v2/translate", {"text": [HUGE], "target_lang": "JA"}),
                "libre-huge": post(server.base, "/translate", {"q": HUGE, "source": "auto", "target": "ja"}),
                "detect-under-limit": post(server.base, "/detect", {"q": UNDER_LIMIT}),
            }
            time.sleep(3 * PROBE_EVERY_S)  # at least a few probes after the last request
        finally:
            probe.stop.set()
            probe.join(timeout=60)
    print(f"{len(probe.times)} probes, slowest /healthz {max(probe.times):.3f} s")  # for the closing note
    assert len(probe.times) >= 3
    assert max(probe.times) < SLOWEST_PROBE_S, f"slowest /healthz: {max(probe.times):.2f} s"
    assert answers == {"detect-huge": 400, "deepl-huge": 413, "libre-huge": 400, "detect-under-limit": 200}
