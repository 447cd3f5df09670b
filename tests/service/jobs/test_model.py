"""A job's ETA and public status, the runner's batch job (engine settings included), part sizes of a stream."""
from __future__ import annotations

from pathlib import Path

import pytest

from service.jobs.execute import JobRunner
from service.jobs.model import JobOptions, JobRecord, status_body
from service.pipeline.stream import part_sizes
from tests.helpers import make_settings


def _record(**changes) -> JobRecord:
    base = {"id": "j" * 32, "owner": "team:desk", "key_id": "bk_1", "state": "running",
            "options": JobOptions(target_langs=("ja",), glossary_names=("desk",)), "input_name": "wire.zip",
            "input_bytes": 10, "created_at": 1000.0, "total": 100, "ok": 30, "failed": 5, "skipped": 5,
            "run_started_at": 1000.0, "run_processed": 20}
    return JobRecord(**{**base, **changes})


def test_the_eta_follows_the_pace_of_the_current_run():
    assert _record().eta_s(now=1010.0) == 30.0  # 20 articles in 10 s, 60 to go
    assert _record(run_processed=40).eta_s(now=1010.0) is None  # no pace yet
    assert _record(state="done").eta_s(now=1010.0) is None


def test_the_status_shows_counts_options_and_no_secret():
    body = status_body(_record(callback_url="http://127.0.0.1:9/x", callback_state="pending",
                               callback_next_at=1001.0))
    assert body["articles"] == {"total": 100, "done": 30, "failed": 5, "skipped": 5}
    assert body["options"]["glossaries"] == ["desk"]
    assert body["callback"]["next_attempt_at"] == "1970-01-01T00:16:41+00:00"
    assert "secret" not in str(body)


def test_jobs_run_on_the_engine_the_settings_name(tmp_path: Path):
    settings = make_settings(tmp_path, jobs={"engine": "ray", "ray_address": "ray://head:10001", "ray_workers": 6})
    runner = JobRunner(store=None, settings=settings, resources=None, owner="w")  # type: ignore[arg-type]
    job = runner._batch_job(_record(), tmp_path / "in.zip", tmp_path / "out")
    assert (job.engine, job.ray_address, job.workers) == ("ray", "ray://head:10001", 6)
    assert job.request.tenant.owner == "team:desk"


@pytest.mark.parametrize(("count", "sizes"), [(1, [1]), (2, [1, 1]), (3, [1, 2]), (10, [1, 2, 4, 3]),
                                              (15, [1, 2, 4, 8])])
def test_a_stream_translates_the_first_sentence_alone_then_doubling_parts(count, sizes):
    assert part_sizes(count) == sizes
    assert sum(part_sizes(count)) == count
