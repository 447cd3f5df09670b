"""A batch killed with SIGKILL half way, then rerun: every article once, every output whole."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from service.batch.outputs import TMP_PREFIX
from tests.service.batch.articles import make_articles, write_jsonl
from tests.service.batch.helpers import manifest_lines

REPO = Path(__file__).resolve().parents[3]
DEADLINE_S = 180


def _ok_lines(manifest: Path) -> int:
    if not manifest.is_file():
        return 0
    return manifest.read_bytes().count(b'"status": "ok"')


def test_sigkill_half_way_then_rerun_ends_with_200_ok_lines(run_job, tmp_path, tiny_models_dir):
    source = write_jsonl(tmp_path / "articles.jsonl", make_articles(200))
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFS_")}
    env.update({
        "BRIEFS_MODELS_DIR": str(tiny_models_dir), "BRIEFS_STORE_PATH": str(tmp_path / "store.sqlite3"),
        "BRIEFS_AUTO_PULL": "false", "BRIEFS_HUB_ENDPOINT": "http://127.0.0.1:9",
        "BRIEFS_TRANSLATION_BEAM_SIZE": "1", "BRIEFS_BATCH_GROUP_ARTICLES": "4",
    })
    command = [sys.executable, "-m", "service", "batch", str(source), "--out", str(out),
               "--to", "ja", "--sentences", "3", "--quiet"]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + DEADLINE_S
        while _ok_lines(out / "manifest.jsonl") < 100 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert process.poll() is None, f"the run ended before it could be killed: {process.stderr.read()!r}"
        process.send_signal(signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        process.stderr.close()
    done_before = _ok_lines(out / "manifest.jsonl")
    assert 100 <= done_before < 200

    summary = run_job(source, out, batch={"group_articles": 16})
    assert summary.skipped >= 100
    assert summary.ok + summary.skipped == 200
    assert summary.failed == 0
    lines = manifest_lines(out)
    assert len(lines) == 200
    assert all(line["status"] == "ok" for line in lines)
    assert len({line["id"] for line in lines}) == 200
    for line in lines:
        for relative in line["outputs"]:
            assert json.loads((out / relative).read_text(encoding="utf-8"))["segments"]
    assert not list(out.rglob(f"{TMP_PREFIX}*"))
