"""Host-wide metrics: in multiprocess mode /metrics sums every worker's counters; the directory is emptied at start."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from service.api.metrics import ServiceMetrics, multiprocess_mode
from service.api.metrics_dir import prepare_multiprocess_dir

REPO = Path(__file__).resolve().parents[3]
WORKER = """
import sys
from service.api.metrics import ServiceMetrics
metrics = ServiceMetrics()
for _ in range(int(sys.argv[1])):
    metrics.observe_request("/v1/briefs", "POST", 200, 0.01)
if len(sys.argv) > 2:
    sys.stdout.write(metrics.render().decode())
"""


def _worker(directory: Path, count: int, render: bool = False) -> str:
    env = {"PROMETHEUS_MULTIPROC_DIR": str(directory), "PYTHONPATH": str(REPO), "PATH": os.defpath}
    args = [sys.executable, "-c", WORKER, str(count)] + (["render"] if render else [])
    return subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, check=True, timeout=60).stdout


def test_render_sums_every_worker_of_the_host(tmp_path):
    directory, made_here = prepare_multiprocess_dir(str(tmp_path / "metrics"))
    assert not made_here
    assert directory.is_dir()
    _worker(directory, 3)
    _worker(directory, 4)
    text = _worker(directory, 5, render=True)
    assert 'briefs_http_requests_total{method="POST",route="/v1/briefs",status="200"} 12.0' in text
    assert "briefs_http_request_seconds_count" in text


def test_start_empties_the_directory_of_old_counts(tmp_path):
    directory, _ = prepare_multiprocess_dir(str(tmp_path / "metrics"))
    _worker(directory, 7)
    (directory / "notes.txt").write_text("not ours", encoding="utf-8")
    directory, _ = prepare_multiprocess_dir(str(directory))
    assert not list(directory.glob("*.db"))
    assert (directory / "notes.txt").exists()
    text = _worker(directory, 1, render=True)
    assert 'status="200"} 1.0' in text


def test_an_empty_setting_makes_a_fresh_temporary_directory():
    directory, made_here = prepare_multiprocess_dir("")
    try:
        assert made_here
        assert directory.is_dir()
        assert not any(directory.iterdir())
    finally:
        directory.rmdir()


def test_single_process_mode_renders_its_own_registry():
    assert not multiprocess_mode()  # the test process never sets PROMETHEUS_MULTIPROC_DIR
    metrics = ServiceMetrics()
    metrics.observe_request("/healthz", "GET", 200, 0.001)
    assert b'briefs_http_requests_total{method="GET",route="/healthz",status="200"} 1.0' in metrics.render()
