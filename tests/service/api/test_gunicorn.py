"""gunicorn for real on 127.0.0.1 with the tiny models: concurrent briefs, no cross-talk, micro-batching."""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.helpers import OWN_ARTICLES, read_article

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).parent / "gunicorn"
STARTUP_S = 120
REQUEST_S = 120
CLIENTS = 32
TOPICS = ["harbor", "railway", "orchard", "glacier", "library", "stadium", "vineyard", "factory"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    config = tmp_path / "serve.toml"
    config.write_text(
        f'models_dir = "{tiny_models_dir}"\nstore_path = "{tmp_path / "store.sqlite3"}"\n'
        'auto_pull = false\n'
        f'[http]\nhost = "127.0.0.1"\nport = {port}\nworkers = 1\nthreads = {CLIENTS}\n'
        'batch_max_wait_ms = 50\nbatch_max_size = 64\nrate_limit = "100000/minute"\n'
        'timeout_s = 300\ngraceful_timeout_s = 5\n', encoding="utf-8")
    env = {"BRIEFS_CONFIG": str(config), "PATH": str(GUNICORN.parent), "HOME": str(tmp_path),
           "PYTHONPATH": str(REPO)}
    log = (tmp_path / "gunicorn.log").open("w")
    proc = subprocess.Popen([str(GUNICORN), "wsgi:app", "-c", "config/gunicorn.conf.py"], cwd=REPO, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited with {proc.returncode}:\n{(tmp_path / 'gunicorn.log').read_text()}")
            try:
                if call(base + "/readyz", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn not ready in {STARTUP_S}s:\n{(tmp_path / 'gunicorn.log').read_text()}")
            time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


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
