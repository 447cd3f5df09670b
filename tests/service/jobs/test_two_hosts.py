"""Two hosts on one PostgreSQL store: a job submitted to host A (gunicorn, no job workers) is run by
``python -m service worker`` on host B through procrastinate, and its status and results are fetched from A."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.servers import PostgresServer, running_gunicorn
from tests.service.batch.articles import make_articles, write_zip

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[3]
DEADLINE_S = 180
JOBS = {"poll_s": 0.5, "heartbeat_s": 0.5, "lease_s": 5.0}


def _get(base: str, path: str) -> bytes:
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return response.read()


def _submit_zip(base: str, archive: Path) -> dict[str, Any]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="target_langs"\r\n\r\nja\r\n'.encode(),
             f'--{boundary}\r\nContent-Disposition: form-data; name="sentences"\r\n\r\n2\r\n'.encode(),
             (f'--{boundary}\r\nContent-Disposition: form-data; name="archive"; filename="wire.zip"\r\n'
              "Content-Type: application/zip\r\n\r\n").encode() + archive.read_bytes() + b"\r\n",
             f"--{boundary}--\r\n".encode()]
    request = urllib.request.Request(base + "/v1/jobs", data=b"".join(parts), method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 202
        return json.loads(response.read())


def test_a_job_submitted_to_host_a_is_run_on_host_b_and_fetched_from_a(tiny_models_dir: Path, tmp_path: Path,
                                                                          postgres_server: PostgresServer) -> None:
    store_url = postgres_server.new_database()
    archive = write_zip(tmp_path / "wire.zip", make_articles(12))
    config = tmp_path / "host-b.toml"
    config.write_text("\n".join([
        f'models_dir = "{tiny_models_dir}"', f'store_url = "{store_url}"', "auto_pull = false", "cache = false",
        "[jobs]", *(f"{k} = {json.dumps(v)}" for k, v in JOBS.items())]) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFS_")}
    env["BRIEFS_CONFIG"] = str(config)
    try:
        with running_gunicorn(tmp_path, tiny_models_dir, name="host-a", ready_path="/readyz",
                              settings={"store_url": store_url, "cache": False},
                              tables={"jobs": {**JOBS, "worker_threads": 0}}) as host_a:
            job = _submit_zip(host_a.base, archive)
            time.sleep(1.0)
            assert json.loads(_get(host_a.base, f"/v1/jobs/{job['id']}"))["state"] == "queued"  # A runs no jobs
            worker = subprocess.Popen([sys.executable, "-m", "service", "worker"], cwd=REPO, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + DEADLINE_S
                while True:
                    status = json.loads(_get(host_a.base, f"/v1/jobs/{job['id']}"))
                    if status["state"] in ("done", "failed", "cancelled") or time.monotonic() > deadline:
                        break
                    assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
                    time.sleep(0.2)
            finally:
                worker.send_signal(signal.SIGTERM)
                output = worker.communicate(timeout=60)[0].decode(errors="replace")
            assert status["state"] == "done", (status, output[-3000:])
            assert "procrastinate queue" in output
            assert status["articles"]["done"] == 12
            results = zipfile.ZipFile(io.BytesIO(_get(host_a.base, f"/v1/jobs/{job['id']}/results")))
            lines = [json.loads(x) for x in results.read("manifest.jsonl").splitlines()]
            assert len(lines) == 12
            assert all(line["source"].startswith("wire.zip!") for line in lines)
            assert worker.returncode == 0
    finally:
        postgres_server.drop(store_url)
