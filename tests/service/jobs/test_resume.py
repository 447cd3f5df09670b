"""Durable jobs: ``python -m service worker`` SIGKILLed half way and started again finishes the job with every
article once in the manifest (and charged once); a job survives a restart of the server (gunicorn)."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest

from service.api.app import create_app
from service.jobs.store import JobStore
from service.storage.keys import KeyStore
from tests.servers import running_gunicorn
from tests.service.batch.articles import make_articles

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[3]
DEADLINE_S = 240
JOBS = {"poll_s": 0.1, "heartbeat_s": 0.2, "lease_s": 2.0}


def _config(root: Path, models_dir: Path, **jobs: Any) -> Path:
    path = root / "briefs.toml"
    lines = [f'models_dir = "{models_dir}"', f'store_path = "{root / "store.sqlite3"}"', "auto_pull = false",
             "cache = false", "[batch]", "group_articles = 4", "[http]", "api_keys_required = true", "[jobs]",
             *(f"{k} = {json.dumps(v)}" for k, v in {**JOBS, **jobs}.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _env(config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFS_")}
    env["BRIEFS_CONFIG"] = str(config)
    return env


def _wait(predicate: Any, what: str, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not predicate():
        if process is not None and process.poll() is not None:
            pytest.fail(f"{what}: the worker exited with {process.returncode}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {DEADLINE_S} s")
        time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes], sig: int) -> None:
    if process.poll() is None:
        process.send_signal(sig)
    process.wait(timeout=30)


def test_a_worker_killed_half_way_and_restarted_builds_every_article_once(tiny_models_dir, tmp_path):
    config = _config(tmp_path, tiny_models_dir, worker_threads=0)
    from service.settings import load_settings

    settings = load_settings(config, environ={})
    keys = KeyStore(settings.database_url)
    key, secret = keys.create("desk")
    texts = make_articles(120)
    app = create_app(settings)  # submits only (worker_threads = 0): the worker processes run the job
    client = app.test_client()
    response = client.post("/v1/jobs", json={"texts": texts, "target_langs": ["ja"], "sentences": 2},
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 202, response.data
    job_id = response.get_json()["id"]
    store = JobStore(settings.database_url)
    command = [sys.executable, "-m", "service", "worker"]

    first = subprocess.Popen(command, cwd=REPO, env=_env(config), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(lambda: store.get(job_id).ok >= 40, "40 articles built", first)
        first.send_signal(signal.SIGKILL)
    finally:
        _stop(first, signal.SIGKILL)
    killed_at = store.get(job_id)
    assert killed_at.state == "running"
    assert 40 <= killed_at.ok < 120

    second = subprocess.Popen(command, cwd=REPO, env=_env(config), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        _wait(lambda: store.get(job_id).state == "done", "the job done after the restart", second)
    finally:
        _stop(second, signal.SIGTERM)
    job = store.get(job_id)
    assert job.runs == 2
    assert (job.ok, job.failed) == (120, 0)
    lines = store.manifest(job_id)
    assert len(lines) == 120
    assert len({line["id"] for line in lines}) == 120
    assert all(line["status"] == "ok" for line in lines)
    assert job.characters == keys.usage(key.id).characters == sum(len(t) for t in texts)  # charged once each
    results = zipfile.ZipFile(io.BytesIO(client.get(f"/v1/jobs/{job_id}/results",
                                                    headers={"Authorization": f"Bearer {secret}"}).data))
    assert len(results.read("manifest.jsonl").splitlines()) == 120
    assert json.loads(results.read("summary.json"))["counts"]["ok"] + json.loads(
        results.read("summary.json"))["counts"]["skipped"] == 120


def _call(base: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def test_a_job_survives_a_restart_of_the_server(tiny_models_dir, tmp_path):
    settings = {"store_path": str(tmp_path / "store.sqlite3"), "cache": False}
    jobs = {**JOBS, "worker_threads": 1}
    texts = make_articles(120)
    with running_gunicorn(tmp_path, tiny_models_dir, name="before", ready_path="/readyz", settings=settings,
                          tables={"jobs": jobs, "batch": {"group_articles": 4}}) as server:
        job_id = _call(server.base, "/v1/jobs", {"texts": texts, "target_langs": ["ja"], "sentences": 2})["id"]
        _wait(lambda: _call(server.base, f"/v1/jobs/{job_id}")["articles"]["done"] >= 20, "20 articles built")
    stopped = JobStore(f"sqlite:///{tmp_path / 'store.sqlite3'}").get(job_id)
    assert stopped.state in ("queued", "done")  # SIGTERM: the worker put its job back (or it had just ended)
    with running_gunicorn(tmp_path, tiny_models_dir, name="after", ready_path="/readyz", settings=settings,
                          tables={"jobs": jobs, "batch": {"group_articles": 4}}) as server:
        _wait(lambda: _call(server.base, f"/v1/jobs/{job_id}")["state"] == "done", "the job done after the restart")
        job = _call(server.base, f"/v1/jobs/{job_id}")
    assert job["articles"]["done"] == 120
    assert job["runs"] in (1, 2)
