"""scripts/soak.py: a bounded run on the tiny models (structure only, never timings or sizes)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import soak  # noqa: E402


@pytest.mark.slow
def test_a_short_soak_runs_and_reports(tiny_models_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "soak.md"
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "soak.py"), "--models-dir", str(tiny_models_dir),
         "--requests", "200", "--sample-every", "100", "--clients", "2", "--out", str(out)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["requests"] == 200
    assert report["status"] == {"200": 200}
    assert [s["requests"] for s in report["samples"]] == [0, 100, 200]
    assert report["ready_s"] > 0
    assert report["peak_rss_mb"] > 0
    text = out.read_text(encoding="utf-8")
    assert "worker peak RSS" in text
    assert "| 200 |" in text


def test_requests_mix_translations_briefs_and_repeats() -> None:
    bodies = [soak.request_body(n) for n in range(60)]
    paths = [path for path, _ in bodies]
    assert 3 <= paths.count("/v1/briefs") <= 9
    assert paths.count("/v1/translate") >= 50
    assert soak.request_body(7) == soak.request_body(7)
    texts = [json.dumps(body) for _, body in bodies]
    assert 30 <= len(set(texts)) < len(texts)  # a third repeat an earlier request (cache hits)


@pytest.mark.parametrize("flag", ["--requests", "--sample-every", "--clients"])
def test_non_positive_counts_are_refused(flag: str) -> None:
    with pytest.raises(SystemExit) as exc:
        soak.main([flag, "0"])
    assert exc.value.code == 2


def test_summary_reports_peak_and_growth() -> None:
    samples = [{"requests": 0, "rss": 300.0, "peak": 300.0}, {"requests": 100, "rss": 400.0, "peak": 410.0},
               {"requests": 200, "rss": 405.0, "peak": 410.0}]
    report = soak.summarize({"samples": samples})
    assert report["peak_rss_mb"] == 410.0
    assert report["growth_mb"] == 5.0
