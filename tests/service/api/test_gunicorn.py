"""gunicorn for real on 127.0.0.1 with the tiny models: concurrent briefs, no cross-talk, micro-batching."""
from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.helpers import OWN_ARTICLES, read_article
from tests.servers import running_gunicorn

pytestmark = pytest.mark.slow

REQUEST_S = 120
CLIENTS = 32
TOPICS = ["harbor", "railway", "orchard", "glacier", "library", "stadium", "vineyard", "factory"]


def call(url: str, body: dict | None = None, timeout: float = REQUEST_S) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


SENTENCES = [
    "Report {n} says the {topic} reopened after a long winter closure.",
    "Report {n} adds that local officials approved a larger budget for repairs.",
    "Report {n} notes residents complained about noise during construction.",
    "Report {n} expects visitors to return once the summer season begins.",
]


def article(n: int) -> str:
    """A distinct article per client: every sentence names the client number."""
    return " ".join(s.format(n=n, topic=TOPICS[n % len(TOPICS)]) for s in SENTENCES)


@pytest.fixture(scope="module")
def server(tiny_models_dir, tmp_path_factory):
    # model_slots 0: every request reaches the engine at once, so the batching test controls who waits
    http = {"threads": CLIENTS, "batch_max_wait_ms": 50, "batch_max_size": 64, "timeout_s": 300, "model_slots": 0}
    with running_gunicorn(tmp_path_factory.mktemp("gunicorn"), tiny_models_dir, http=http,
                          ready_path="/readyz") as started:
        yield started.base


def test_concurrent_briefs_get_their_own_segments(server):
    def brief(n: int):
        return n, *call(server + "/v1/briefs", {"text": article(n), "sentences": 2, "summarizer": "extractive"})

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(brief, range(CLIENTS), timeout=REQUEST_S * 2))
    for n, status, raw in results:
        assert status == 200, raw[:500]
        body = json.loads(raw)
        assert 1 <= len(body["segments"]) <= 2
        for segment in body["segments"]:
            assert re.match(rf"Report {n} ", segment["en"]), (n, segment["en"])
            assert set(segment["translations"]) == {"ja", "ko"}
        assert body["meta"]["warnings"][0]["code"] == "tiny-models"

    status, metrics = call(server + "/metrics")
    assert status == 200
    text = metrics.decode()
    assert 'briefs_http_requests_total{method="POST",route="/v1/briefs",status="200"} 32.0' in text
    assert "briefs_model_load_seconds" in text


def _engine_calls_by_size(server: str) -> dict[str, float]:
    """Cumulative engine calls per batch-size bucket ("1.0", "2.0", ..., "+Inf") from /metrics."""
    text = call(server + "/metrics")[1].decode()
    return {le: float(n) for le, n in re.findall(r'^briefs_translation_batch_size_bucket\{le="([^"]+)"\} (\S+)$',
                                                   text, re.M)}


def test_requests_that_arrive_while_the_engine_is_busy_share_one_engine_call(server):
    """Two large requests hold the engine's slots (each a direct call of more than batch_max_size
    sentences); one-sentence requests that arrive meanwhile must gather into shared engine calls."""
    before = _engine_calls_by_size(server)

    def translate(texts: list[str]) -> tuple[int, bytes]:
        return call(server + "/v1/translate", {"segments": texts, "target_langs": ["ja"]})

    def large_in_engine() -> bool:  # a large request's engine calls (64 sentences each) have begun
        now = _engine_calls_by_size(server)
        return now.get("64.0", 0.0) - now.get("32.0", 0.0) > before.get("64.0", 0.0) - before.get("32.0", 0.0)

    large = [[f"Batch {b} line {i} says the {TOPICS[i % len(TOPICS)]} reopened." for i in range(960)]
             for b in range(2)]
    small = [[f"Caller {n} asks when the {TOPICS[n % len(TOPICS)]} reopens."] for n in range(16)]
    with ThreadPoolExecutor(len(large) + len(small)) as pool:
        busy = [pool.submit(translate, texts) for texts in large]
        deadline = time.monotonic() + REQUEST_S
        while not large_in_engine() and time.monotonic() < deadline and not all(f.done() for f in busy):
            time.sleep(0.02)
        waiting = [pool.submit(translate, texts) for texts in small]
        results = [f.result(timeout=REQUEST_S * 2) for f in busy + waiting]
    assert all(status == 200 for status, _ in results), [raw[:300] for status, raw in results if status != 200]
    after = _engine_calls_by_size(server)
    calls = {le: after[le] - before.get(le, 0.0) for le in after}
    # The large requests go to the engine 64 sentences at a time; calls of 2-32 sentences can
    # only be one-sentence callers that shared an engine call.
    assert calls["32.0"] - calls["1.0"] >= 1, f"no engine call carried sentences of more than one request: {calls}"
    assert calls["32.0"] < len(small), f"every small request had an engine call of its own: {calls}"


def test_every_endpoint_answers_per_its_schema_on_a_news_article(server):
    from service.api.schemas import BriefSchema

    article = read_article(OWN_ARTICLES[1])
    status, raw = call(server + "/v1/briefs", {"text": article, "sentences": 3})
    assert status == 200, raw[:500]
    brief = json.loads(raw)
    assert BriefSchema().validate(brief) == {}
    assert len(brief["segments"]) == 3
    assert all(s["translations"]["ja"] and s["translations"]["ko"] for s in brief["segments"])
    status, raw = call(server + "/v1/translate", {"segments": [s["en"] for s in brief["segments"]],
                                                  "target_langs": ["ja", "ko"]})
    assert status == 200
    assert BriefSchema().validate(json.loads(raw)) == {}
    status, raw = call(server + "/v1/glossaries", {"name": "desk", "entries": [
        {"source": "Kihara", "type": "person", "renderings": {"ja": "木原", "ko": "기하라"}}]})
    assert status == 201, raw[:500]
    for path in ("/v1/glossaries", "/v1/glossaries/desk", "/v1/glossaries/desk/entries",
                 "/v1/languages", "/v1/models", "/healthz", "/readyz", "/openapi.json", "/docs"):
        status, raw = call(server + path)
        assert status == 200, (path, raw[:300])
    assert call(server + "/v1/usage")[0] == 401  # usage is per API key; none was sent
