"""Streamed briefs under gunicorn (config/gunicorn.conf.py, gthread): a standard SSE client reads each event as it
is sent, and 16 streams with 16 plain requests at once get no 5xx (tiny models)."""
from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sseclient

from tests.servers import GunicornServer, running_gunicorn

pytestmark = pytest.mark.slow

ARTICLE = ("Harold Quimby opened the ferry terminal at Port Alder on Tuesday. The crossing takes an hour. "
           "Harold Quimby said tickets go on sale next week. Traders welcomed the news. "
           "The old pier will close in May. A new bus line links the terminal to the town. "
           "Officials expect two million passengers a year. The project cost 40 million dollars. "
           "Fishermen asked for a second berth. The council will vote on it in June.")
BODY = {"text": ARTICLE, "sentences": 10, "target_langs": ["ja", "ko"]}


@pytest.fixture(scope="module")
def server(tiny_models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GunicornServer]:
    root = tmp_path_factory.mktemp("stream")
    with running_gunicorn(root, tiny_models_dir, ready_path="/readyz", settings={"cache": False},
                          http={"threads": 40, "model_slots": 4, "max_queue_wait_s": 60,
                                "request_deadline_s": 120, "batch_max_wait_ms": 2},
                          tables={"jobs": {"worker_threads": 0}}) as running:
        yield running


def _post(server: GunicornServer, body: dict[str, Any], accept: str) -> http.client.HTTPResponse:
    host, port = server.base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    connection.request("POST", "/v1/briefs", body=json.dumps(body).encode(),
                       headers={"Content-Type": "application/json", "Accept": accept})
    return connection.getresponse()


def stream(server: GunicornServer) -> tuple[int, list[tuple[float, str, dict[str, Any]]]]:
    """Status and every event with the time it arrived, read by sseclient-py as the server sends them."""
    start = time.perf_counter()
    response = _post(server, BODY, "text/event-stream")
    if response.status != 200:
        return response.status, []
    assert response.getheader("Content-Type", "").startswith("text/event-stream")
    events = [(time.perf_counter() - start, e.event, json.loads(e.data))
              for e in sseclient.SSEClient(response).events()]
    return 200, events


def plain(server: GunicornServer) -> int:
    response = _post(server, {**BODY, "sentences": 3}, "application/json")
    response.read()
    return response.status


def test_a_standard_sse_client_reads_every_event_as_it_comes(server):
    status, events = stream(server)
    assert status == 200
    names = [name for _, name, _ in events]
    assert names == ["summary"] + ["segment"] * 10 + ["entities", "meta", "done"]
    assert all(set(data["translations"]) == {"ja", "ko"} for _, name, data in events if name == "segment")
    times = [at for at, _, _ in events]
    assert times == sorted(times)


def test_sixteen_streams_and_sixteen_plain_requests_together_get_no_5xx(server):
    with ThreadPoolExecutor(max_workers=32) as pool:
        streams = [pool.submit(stream, server) for _ in range(16)]
        plains = [pool.submit(plain, server) for _ in range(16)]
        stream_results = [f.result(timeout=300) for f in streams]
        plain_statuses = [f.result(timeout=300) for f in plains]
    assert plain_statuses == [200] * 16
    assert [status for status, _ in stream_results] == [200] * 16
    for _, events in stream_results:
        assert events[-1][1] == "done", events[-1]
        assert sum(name == "segment" for _, name, _ in events) == 10
