"""The job tables (versioned in ``jobs_schema``) and the row <-> record mapping.

``jobs`` holds one row per job: state, options, counts, lease and callback. Inputs, outputs and the
final files live in ``job_files`` in parts of at most :data:`PART_BYTES`; each recorded article's
manifest line in ``job_articles``; the job's settled spellings (``learned.jsonl``) in
``job_spellings``; each callback attempt in ``job_deliveries``. Everything of a job goes with it
(ON DELETE CASCADE).
"""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, text

from service.jobs.model import Delivery, JobOptions, JobRecord

SCHEMA_TABLE = "jobs_schema"
PART_BYTES = 1 << 20
INPUT, OUTPUT, FINAL = "input", "output", "final"

JOB_COLUMNS = (
    "id, owner, key_id, state, options, input_name, input_bytes, created_at, total, ok, failed, skipped, "
    "characters, cancel_requested, error_code, error_message, callback_url, callback_state, callback_next_at, "
    "runs, started_at, finished_at, expires_at, run_started_at, run_processed, lease_owner, lease_until")


def _create_tables(conn: Connection) -> None:
    blob = "BLOB" if conn.dialect.name == "sqlite" else "BYTEA"
    real = "DOUBLE PRECISION"
    conn.execute(text(
        "CREATE TABLE jobs (id VARCHAR(32) PRIMARY KEY, owner TEXT, key_id VARCHAR(32), state VARCHAR(16) NOT NULL, "
        "options TEXT NOT NULL, input_name TEXT NOT NULL, input_bytes BIGINT NOT NULL, "
        f"created_at {real} NOT NULL, total INTEGER NOT NULL DEFAULT 0, ok INTEGER NOT NULL DEFAULT 0, "
        "failed INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0, characters BIGINT NOT NULL DEFAULT 0, "
        "cancel_requested INTEGER NOT NULL DEFAULT 0, error_code TEXT, error_message TEXT, callback_url TEXT, "
        f"callback_secret TEXT, callback_state VARCHAR(16), callback_next_at {real}, runs INTEGER NOT NULL DEFAULT 0, "
        f"started_at {real}, finished_at {real}, expires_at {real}, run_started_at {real}, "
        f"run_processed INTEGER NOT NULL DEFAULT 0, lease_owner TEXT, lease_until {real})"))
    conn.execute(text("CREATE INDEX jobs_owner ON jobs (owner, created_at)"))
    conn.execute(text("CREATE INDEX jobs_state ON jobs (state)"))
    conn.execute(text(
        "CREATE TABLE job_files (job_id VARCHAR(32) NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, "
        f"kind VARCHAR(8) NOT NULL, name TEXT NOT NULL, part INTEGER NOT NULL, data {blob} NOT NULL, "
        "PRIMARY KEY (job_id, kind, name, part))"))
    conn.execute(text(
        "CREATE TABLE job_articles (job_id VARCHAR(32) NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, "
        "article_id TEXT NOT NULL, seq INTEGER NOT NULL, status VARCHAR(16) NOT NULL, record TEXT NOT NULL, "
        "characters BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (job_id, article_id))"))
    conn.execute(text(
        "CREATE TABLE job_spellings (job_id VARCHAR(32) NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, "
        "seq INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (job_id, seq))"))
    conn.execute(text(
        "CREATE TABLE job_deliveries (job_id VARCHAR(32) NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, "
        f"attempt INTEGER NOT NULL, at {real} NOT NULL, event VARCHAR(32) NOT NULL, status INTEGER, error TEXT, "
        f"duration_ms {real} NOT NULL, PRIMARY KEY (job_id, attempt))"))


MIGRATIONS = [_create_tables]


def job_record(row: Any, deliveries: list[Delivery] | None = None) -> JobRecord:
    """A JobRecord from a ``jobs`` row selected with :data:`JOB_COLUMNS`."""
    values = dict(row)
    values["options"] = JobOptions.from_dict(json.loads(values["options"]))
    values["cancel_requested"] = bool(values["cancel_requested"])
    return JobRecord(**values, deliveries=deliveries or [])


def delivery(row: Any) -> Delivery:
    return Delivery(attempt=row["attempt"], at=row["at"], event=row["event"], status=row["status"],
                    error=row["error"], duration_ms=row["duration_ms"])
