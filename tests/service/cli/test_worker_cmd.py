"""``python -m service worker``: also runs the store's document jobs, apart from the HTTP workers (which run
none with ``documents.workers = 0``), and stops cleanly on SIGTERM."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.servers import BIN, REPO, running_gunicorn

WAIT_S = 120
LINE = "The harbor authority reopened pier number {n} on Monday after a month of repairs.\n"


def test_worker_refuses_a_negative_document_thread_count(run_cli):
    code, _out, err = run_cli("worker", "--document-threads", "-1")
    assert code == 2
    assert err.strip() == "error: --document-threads must be 0 or more"


def _post(url: str, body: bytes, content_type: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _upload(base: str, text: str) -> dict[str, Any]:
    boundary = "briefs-worker-test"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"target_lang\"\r\n\r\nJA\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"source_lang\"\r\n\r\nEN\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"piers.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\n{text}\r\n--{boundary}--\r\n").encode()
    status, raw = _post(base + "/v2/document", body, f"multipart/form-data; boundary={boundary}")
    assert status == 200, raw
    handle: dict[str, Any] = json.loads(raw)
    return handle


def _status(base: str, handle: dict[str, Any]) -> str:
    status, raw = _post(f"{base}/v2/document/{handle['document_id']}",
                        json.dumps({"document_key": handle["document_key"]}).encode(), "application/json")
    assert status == 200, raw
    return str(json.loads(raw)["status"])


@pytest.mark.slow
def test_the_worker_runs_documents_the_http_workers_leave_and_stops_cleanly(tiny_models_dir, tmp_path):
    text = "".join(LINE.format(n=n) for n in range(40))
    with running_gunicorn(tmp_path, tiny_models_dir, settings={"documents": {"workers": 0}}) as server:
        handle = _upload(server.base, text)
        time.sleep(1.0)
        assert _status(server.base, handle) == "queued"  # no HTTP worker runs it
        env = {"BRIEFS_CONFIG": str(server.config), "PATH": str(BIN), "HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
        command = [sys.executable, "-m", "service", "worker", "--document-threads", "1"]
        worker = subprocess.Popen(command, cwd=REPO, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + WAIT_S
            while (status := _status(server.base, handle)) != "done":
                assert status in ("queued", "translating"), status
                assert worker.poll() is None, worker.communicate()
                assert time.monotonic() < deadline, f"the worker did not finish the document: {status}"
                time.sleep(0.2)
            worker.send_signal(signal.SIGTERM)
            out, err = worker.communicate(timeout=60)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)
        assert worker.returncode == 0, err
        assert "1 document thread(s)" in out
        assert "worker: stopped" in out
        status, result = _post(f"{server.base}/v2/document/{handle['document_id']}/result",
                               json.dumps({"document_key": handle["document_key"]}).encode(), "application/json")
        assert status == 200
        assert result.decode().count("\n") == text.count("\n")
