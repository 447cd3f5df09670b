"""bench/report.py: the service table's all-cores batching rows (shape only)."""
from __future__ import annotations

from bench.report import _all_cores_rows


def test_all_cores_rows_compare_with_batching_off():
    service = {"clients": 16, "rps_off": 5.0, "rps_on_all_cores": 15.0, "batch_mean_on_all_cores": 12.0,
               "failed_on_all_cores": 0}
    text = "\n".join(_all_cores_rows(service))
    assert "| requests/s at 16 clients | 15.0 | 3.00× |" in text
    assert "| mean sentences per engine call | 12.0 | |" in text


def test_no_rows_when_the_run_was_not_made():
    assert _all_cores_rows({"clients": 16, "rps_off": 5.0}) == []
