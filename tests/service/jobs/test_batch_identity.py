"""One engine: a 50-article zip submitted over HTTP gives the same results as ``python -m service batch`` on the
same zip (tiny models; timing fields aside)."""
from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from service.api.app import create_app
from service.cli import main as cli_main
from tests.helpers import make_settings
from tests.service.batch.articles import make_articles, write_zip
from tests.service.jobs.fixtures import FAST_JOBS, wait_for

TIMING_KEYS = {"timings_ms", "finished_at", "seconds", "articles_per_s", "sentences_per_s"}
# Files the batch command keeps for itself (its lock, its resumable spelling state), not results.
BATCH_STATE = {".batch.lock", "learned.jsonl"}


def _without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def _comparable(name: str, data: bytes) -> Any:
    if name.endswith(".jsonl"):
        return [_without_timings(json.loads(line)) for line in data.splitlines()]
    if name.endswith(".json"):
        return _without_timings(json.loads(data))
    return data


def _toml(values: dict[str, Any]) -> str:
    top = "".join(f"{k} = {json.dumps(v)}\n" for k, v in values.items() if not isinstance(v, dict))
    tables = "".join(f"[{k}]\n" + "".join(f"{kk} = {json.dumps(vv)}\n" for kk, vv in v.items())
                     for k, v in values.items() if isinstance(v, dict))
    return top + tables


@pytest.mark.slow
def test_a_50_article_zip_over_http_matches_the_batch_command(tiny_models_dir: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    common = {"models_dir": str(tiny_models_dir), "auto_pull": False, "hub_endpoint": "http://127.0.0.1:9",
              "cache": False, "batch": {"group_articles": 8}}
    archive = write_zip(tmp_path / "wire.zip", make_articles(50, mention="Harold Quimby"))

    settings = make_settings(tmp_path / "server", **common, store_path=str(tmp_path / "server.sqlite3"),
                             jobs={**FAST_JOBS, "worker_threads": 1}, http={"rate_limit": "1000000/minute"})
    app = create_app(settings)
    jobs = app.extensions["briefs.jobs"]
    jobs.start_threads(app.extensions["briefs"])
    try:
        client = app.test_client()
        with archive.open("rb") as fh:
            response = client.post("/v1/jobs", data={"archive": (fh, "wire.zip"), "target_langs": "ja,ko",
                                                     "sentences": "2", "formats": "json,xliff"},
                                   content_type="multipart/form-data")
        assert response.status_code == 202, response.data
        job = wait_for(client, response.get_json()["id"], timeout=240)
        assert job["state"] == "done", job
        assert job["articles"] == {"total": 50, "done": 50, "failed": 0, "skipped": 0}
        results = zipfile.ZipFile(io.BytesIO(client.get(f"/v1/jobs/{job['id']}/results").data))
        over_http = {name: results.read(name) for name in results.namelist()}
    finally:
        jobs.stop_threads()

    for name in list(os.environ):
        if name.startswith("BRIEFS_"):
            monkeypatch.delenv(name)
    config = tmp_path / "cli.toml"
    config.write_text(_toml({**common, "store_path": str(tmp_path / "cli.sqlite3")}), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the input named as the upload was: manifest sources read "wire.zip!..."
    code = cli_main(["--config", str(config), "batch", "wire.zip", "--out", "out", "--to", "ja,ko",
                     "--sentences", "2", "--format", "json,xliff", "--quiet"])
    assert code == 0
    out = tmp_path / "out"
    by_command = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
                  if p.is_file() and p.name not in BATCH_STATE}

    assert sorted(over_http) == sorted(by_command)
    differing = [name for name, data in by_command.items()
                 if _comparable(name, over_http[name]) != _comparable(name, data)]
    assert differing == []
    summary = json.loads(over_http["summary.json"])
    assert summary["counts"]["ok"] == 50
    assert summary["learned_names"] >= 1
