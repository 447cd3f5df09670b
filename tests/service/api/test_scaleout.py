"""Two gunicorn "hosts" (two workers each) on one PostgreSQL and one Redis, tiny models.

A glossary made through host A is enforced in host B's next brief; a key limited to 10/minute gets
exactly 10 successes across both hosts, then 429 with Retry-After; its character quota is shared
the same way; /metrics on each host counts the requests of every one of its workers.
"""
from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from service.storage.keys import KeyStore
from tests.servers import GunicornServer, PostgresServer, RedisServer, start_gunicorn

pytestmark = pytest.mark.slow

REQUEST_S = 60
ARTICLE = ("Harold Quimby opened the new ferry terminal at Port Alder on Tuesday. "
           "Harold Quimby said crossings would start next month. "
           "Local traders welcomed the news after a long wait.")


def call(url: str, body: dict | None = None, secret: str = "", timeout: float = REQUEST_S
         ) -> tuple[int, dict[str, str], bytes]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _start_host(name: str, root: Path, models_dir: Path, store_url: str, redis_url: str) -> GunicornServer:
    """One "host": two workers on the shared store and Redis; not waited for (both hosts start together)."""
    return start_gunicorn(root, models_dir, name=name, ready_path=None, settings={"store_url": store_url},
                          http={"workers": 2, "threads": 4, "api_keys_required": True, "rate_limit": "100000/minute",
                                "rate_limit_storage": redis_url, "metrics_dir": str(root / f"{name}-metrics"),
                                "batch_max_wait_ms": 1, "timeout_s": 300})


@pytest.fixture(scope="module")
def hosts(tiny_models_dir: Path, tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer,
          redis_server: RedisServer) -> Iterator[dict[str, object]]:
    root = tmp_path_factory.mktemp("scaleout")
    store_url = postgres_server.new_database()
    redis_server.flush()
    KeyStore(store_url).list()  # migrate once before both hosts start (they would race harmlessly anyway)
    started = [_start_host(name, root, tiny_models_dir, store_url, redis_server.url) for name in ("a", "b")]
    try:
        for server in started:
            server.wait_answering("/readyz")
        yield {"a": started[0].base, "b": started[1].base, "store_url": store_url}
    finally:
        for server in started:
            server.stop()
        postgres_server.drop(store_url)


def test_a_glossary_made_on_host_a_is_enforced_on_host_b(hosts):
    keys = KeyStore(str(hosts["store_url"]))
    _, secret = keys.create("desk")
    entry = {"source": "Harold Quimby", "type": "person", "renderings": {"ja": "ハロルド・クインビー",
                                                                          "ko": "해럴드 퀸비"}}
    status, _, raw = call(f"{hosts['a']}/v1/glossaries", {"name": "ferry-desk", "entries": [entry]}, secret)
    assert status == 201, raw[:300]
    status, _, raw = call(f"{hosts['b']}/v1/briefs", {"text": ARTICLE, "sentences": 2,
                                                      "glossaries": ["ferry-desk"]}, secret)
    assert status == 200, raw[:300]
    body = json.loads(raw)
    quimby = next(e for e in body["entities"] if e["source"] == "Harold Quimby")
    assert quimby["resolution"] == "glossary"
    assert quimby["renderings"] == entry["renderings"]
    first = next(s for s in body["segments"] if "Harold Quimby" in s["en"])
    assert "ハロルド・クインビー" in first["translations"]["ja"]
    assert "해럴드 퀸비" in first["translations"]["ko"]


def test_a_key_limited_to_ten_a_minute_gets_ten_across_both_hosts(hosts):
    keys = KeyStore(str(hosts["store_url"]))
    _, secret = keys.create("ten", rate_limit="10/minute")
    paths = ["/v1/languages", "/v1/glossaries", "/v1/models"]
    results = [call(hosts["ab"[i % 2]] + paths[i % 3], secret=secret) for i in range(14)]
    statuses = [status for status, _, _ in results]
    assert statuses == [200] * 10 + [429] * 4
    assert all("Retry-After" not in headers for status, headers, _ in results if status == 200)
    assert all(1 <= int(headers["Retry-After"]) <= 60 for status, headers, _ in results if status == 429)


def test_a_character_quota_is_shared_by_both_hosts(hosts):
    keys = KeyStore(str(hosts["store_url"]))
    key, secret = keys.create("quota", char_quota=len(ARTICLE) * 3)
    statuses = [call(hosts["ab"[i % 2]] + "/v1/briefs", {"text": ARTICLE, "sentences": 1}, secret)[0]
                for i in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert keys.usage(key.id).characters == len(ARTICLE) * 3


def test_metrics_on_each_host_count_every_workers_requests(hosts):
    keys = KeyStore(str(hosts["store_url"]))
    _, secret = keys.create("metrics")
    before = {name: _languages_count(hosts[name]) for name in "ab"}
    for _ in range(12):  # gthread workers take connections as they come: both answer some of these
        for name in "ab":
            assert call(hosts[name] + "/v1/languages", secret=secret)[0] == 200
    for name in "ab":
        assert _languages_count(hosts[name]) - before[name] == 12
        text = call(hosts[name] + "/metrics")[2].decode()
        assert len(set(re.findall(r'^briefs_http_requests_total\{.*\} ', text, re.M))) >= 1


def _languages_count(base: str) -> float:
    status, _, raw = call(base + "/metrics")
    assert status == 200
    found = re.search(r'^briefs_http_requests_total\{method="GET",route="/v1/languages",status="200"\} (\S+)$',
                      raw.decode(), re.M)
    return float(found.group(1)) if found else 0.0


FIRST = ["Kelda", "Orrin", "Tamsin", "Bexley", "Ysolde", "Corwin", "Maelis", "Brannock", "Odile", "Fenwick",
         "Isaura", "Torvald", "Linnea", "Caspian", "Rowena", "Evander", "Saffron", "Lucan", "Marisol", "Thaddeus"]
LAST = ["Varnhold", "Quillane", "Ostrava", "Mirelle", "Haskett", "Dunmore", "Pellow", "Farrant", "Gisborne", "Tolland"]
NAMES = [f"{first} {last}" for first in FIRST for last in LAST]  # 200 names no other glossary knows
MENTIONED = (NAMES[3], NAMES[99], NAMES[197])
CLIENTS = 32  # more than the two hosts' 2 x 2 workers x 4 threads: requests queue on both hosts


def test_concurrent_edits_and_briefs_on_both_hosts_lose_nothing_and_use_one_version(hosts):
    """200 glossary edits and 200 briefs, interleaved and spread over both hosts."""
    from concurrent.futures import ThreadPoolExecutor

    keys = KeyStore(str(hosts["store_url"]))
    _, secret = keys.create("newsroom")
    seed = {"source": "Port Alder", "type": "place", "renderings": {"ja": "ポート・アルダー", "ko": "포트 올더"}}
    assert call(f"{hosts['a']}/v1/glossaries", {"name": "busy", "entries": [seed]}, secret)[0] == 201
    article = " ".join(f"{name} spoke at the harbour meeting on day {n}." for n, name in enumerate(MENTIONED, 1))

    def edit(i: int) -> tuple[str, int, dict]:
        entry = {"source": NAMES[i], "type": "person", "renderings": {"ja": f"人物{i}", "ko": f"인물{i}"}}
        status, _, raw = call(f"{hosts['ab'[i % 2]]}/v1/glossaries/busy/entries", {"entries": [entry]}, secret)
        return "edit", status, json.loads(raw) if status == 200 else {"raw": raw[:300]}

    def brief(i: int) -> tuple[str, int, dict]:
        status, _, raw = call(f"{hosts['ab'[i % 2]]}/v1/briefs", {"text": article, "sentences": 3,
                                                                  "glossaries": ["busy"]}, secret)
        return "brief", status, json.loads(raw) if status == 200 else {"raw": raw[:300]}

    jobs = [job for i in range(len(NAMES)) for job in ((edit, i), (brief, i))]  # interleaved
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(lambda job: job[0](job[1]), jobs, timeout=600))
    assert [r for r in results if r[1] != 200] == []
    added_at = {r[2]["entries"][-1]["source"]: r[2]["version"] for r in results if r[0] == "edit"}
    assert sorted(added_at.values()) == list(range(2, 2 + len(NAMES)))  # each edit made exactly one version
    final = json.loads(call(f"{hosts['b']}/v1/glossaries/busy", secret=secret)[2])
    assert sorted(e["source"] for e in final["entries"]) == sorted(["Port Alder", *NAMES])
    for _, _, body in (r for r in results if r[0] == "brief"):
        (version,) = map(int, re.findall(r"busy@(\d+)", body["meta"]["signature"]))
        known = {e["source"] for e in body["entities"] if e["resolution"] == "glossary" and e["glossary"] == "busy"}
        assert known == {name for name in MENTIONED if added_at[name] <= version}, version


def test_stored_briefs_and_memories_are_shared_and_concurrent_edits_lose_none(hosts):
    """A brief stored through host A, its segments edited at once through both hosts, read back on B;
    every edit is kept (one version each), and the memory they taught is reused by host A's next brief."""
    from concurrent.futures import ThreadPoolExecutor

    keys = KeyStore(str(hosts["store_url"]))
    _, secret = keys.create("review")
    body = {"text": ARTICLE, "sentences": 3, "target_langs": ["ja", "ko"]}
    status, _headers, raw = call(f"{hosts['a']}/v1/briefs", {**body, "store": True}, secret)
    assert status == 200, raw[:300]
    stored = json.loads(raw)
    edits = [(s["id"], lang) for s in stored["segments"] for lang in ("ja", "ko")]

    def edit(n: int) -> tuple[int, bytes]:
        sid, lang = edits[n]
        request = urllib.request.Request(f"{hosts['ab'[n % 2]]}/v1/briefs/{stored['id']}/segments/{sid}",
                                         data=json.dumps({"lang": lang, "text": f"校閲{n}"}).encode(),
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {secret}"}, method="PATCH")
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_S) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    with ThreadPoolExecutor(len(edits)) as pool:
        results = list(pool.map(edit, range(len(edits)), timeout=300))
    assert [status for status, _ in results] == [200] * len(edits), [raw[:300] for _, raw in results]
    status, _, raw = call(f"{hosts['b']}/v1/briefs/{stored['id']}", secret=secret)
    back = json.loads(raw)
    assert status == 200
    assert back["version"] == 1 + len(edits)
    assert len(back["history"]) == len(edits)
    assert {(s["id"], lang): s["translations"][lang] for s in back["segments"] for lang in ("ja", "ko")} == {
        key: f"校閲{n}" for n, key in enumerate(edits)}
    status, _, raw = call(f"{hosts['a']}/v1/briefs", body, secret)
    assert status == 200
    assert all(p == "tm-exact" for s in json.loads(raw)["segments"] for p in s["provenance"].values())


def test_postgresql_stopped_under_load_gives_503s_never_500_and_the_host_recovers(
        tiny_models_dir, tmp_path, redis_server):
    import shutil
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from tests.servers import start_postgres

    server = start_postgres()  # a cluster of this test's own, to stop under the host
    host = None
    try:
        url = server.new_database()
        _, secret = KeyStore(url).create("load")
        host = _start_host("outage", tmp_path, tiny_models_dir, url, redis_server.url)
        host.wait_answering("/readyz")
        base = host.base
        stopped, restarted = threading.Event(), threading.Event()

        def client(n: int) -> list[tuple[int, bytes, bool]]:
            seen = []
            for i in range(30):
                if i % 2:
                    status, _, raw = call(base + "/v1/glossaries", secret=secret)
                else:
                    status, _, raw = call(base + "/v1/briefs", {"text": ARTICLE, "sentences": 1}, secret)
                seen.append((status, raw[:300], stopped.is_set() and not restarted.is_set()))
                time.sleep(0.02)
            return seen

        with ThreadPoolExecutor(6) as pool:
            futures = [pool.submit(client, n) for n in range(6)]
            time.sleep(1.0)
            server.stop("fast")
            stopped.set()
            time.sleep(2.0)
            server.start()
            restarted.set()
            results = [r for f in futures for r in f.result(timeout=300)]
        statuses = {status for status, _, _ in results}
        assert statuses <= {200, 503}, [r for r in results if r[0] not in (200, 503)][:3]
        outage = [(status, raw) for status, raw, during in results if during]
        assert any(status == 503 for status, _ in outage), "no request met the outage"
        assert all(json.loads(raw)["code"] == "store-unavailable" for status, raw in outage if status == 503)
        deadline = time.monotonic() + 30
        while call(base + "/v1/glossaries", secret=secret)[0] != 200:  # recovers without a restart
            assert time.monotonic() < deadline, "the host did not recover after PostgreSQL returned"
            time.sleep(0.25)
        assert call(base + "/v1/briefs", {"text": ARTICLE, "sentences": 1}, secret)[0] == 200
    finally:
        if host is not None:
            host.stop()
        with suppress(subprocess.SubprocessError):
            server.stop("immediate")
        shutil.rmtree(server.root, ignore_errors=True)
