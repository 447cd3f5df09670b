"""scripts/profile_requests.py: request bodies and one short profiled run on the tiny models."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import profile_requests  # noqa: E402


@pytest.mark.parametrize("kind", ["translate", "briefs"])
def test_every_request_has_fresh_text(kind: str) -> None:
    bodies = [profile_requests.bodies(kind, n) for n in range(20)]
    assert len({repr(b) for b in bodies}) == 20


@pytest.mark.slow
def test_a_short_profile_prints_time_per_request(tiny_models_dir: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "profile_requests.py"), "--models-dir", str(tiny_models_dir),
         "--requests", "2", "--kinds", "translate", "--out-dir", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "## POST /v1/translate:" in proc.stdout
    assert "ms per request" in proc.stdout
    assert (tmp_path / "translate.html").is_file()
