"""gunicorn for real on 127.0.0.1 with the tiny models: concurrent briefs, no cross-talk, micro-batching."""
from __future__ import annotations

import json
import re
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
    http = {"threads": CLIENTS, "batch_max_wait_ms": 50, "batch_max_size": 64, "timeout_s": 300}
    with running_gunicorn(tmp_path_factory.mktemp("gunicorn"), tiny_models_dir, http=http,
                          ready_path="/readyz") as started:
        yield started.base


def test_concurrent_briefs_get_their_own_segments_and_share_batches(server):
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
    count = float(re.search(r"^briefs_translation_batch_size_count (\S+)$", text, re.M).group(1))
    total = float(re.search(r"^briefs_translation_batch_size_sum (\S+)$", text, re.M).group(1))
    # One request brings at most 2 sentences: an engine call with more mixes several requests.
    one_request = float(re.search(r'^briefs_translation_batch_size_bucket\{le="2.0"\} (\S+)$', text, re.M).group(1))
    assert count > 0 and total > count, "no engine call carried more than one sentence"
    assert one_request < count, "no engine call carried sentences of more than one request"
    assert 'briefs_http_requests_total{method="POST",route="/v1/briefs",status="200"} 32.0' in text
    assert "briefs_model_load_seconds" in text


def test_every_endpoint_answers_per_its_schema_on_a_news_article(server):
    from service.api.schemas import BriefSchema

    article = read_article(OWN_ARTICLES[1])
    status, raw = call(server + "/v1/briefs", {"text": article, "sentences": 3})
    assert status == 200, raw[:500]
    brief = json.loads(raw)
    assert BriefSchema().validate(brief) == {} and len(brief["segments"]) == 3
    assert all(s["translations"]["ja"] and s["translations"]["ko"] for s in brief["segments"])
    status, raw = call(server + "/v1/translate", {"segments": [s["en"] for s in brief["segments"]],
                                                  "target_langs": ["ja", "ko"]})
    assert status == 200 and BriefSchema().validate(json.loads(raw)) == {}
    status, raw = call(server + "/v1/glossaries", {"name": "desk", "entries": [
        {"source": "Kihara", "type": "person", "renderings": {"ja": "木原", "ko": "기하라"}}]})
    assert status == 201, raw[:500]
    for path in ("/v1/glossaries", "/v1/glossaries/desk", "/v1/glossaries/desk/entries",
                 "/v1/languages", "/v1/models", "/healthz", "/readyz", "/openapi.json", "/docs"):
        status, raw = call(server + path)
        assert status == 200, (path, raw[:300])
    assert call(server + "/v1/usage")[0] == 401  # usage is per API key; none was sent
