"""Jobs in the service's store (SQLite or PostgreSQL, :mod:`service.storage.db`): any host answers a poll.

A job's state, progress and everything it produced live here, so a worker killed at any point
loses nothing that was recorded: the next worker rebuilds the job's folder from these rows and
the batch runner resumes from its manifest. Who runs a job is decided by a **lease**
(``lease_owner``, ``lease_until``): a worker claims a queued job, or a running one whose lease
ran out, and renews it with heartbeats; every article is recorded only under a lease still held,
so a worker that lost its job never writes to it again.

Tenancy follows :mod:`service.storage.tenancy`: a job belongs to its submitter's scope, another
tenant's job is :class:`JobNotFoundError` (404), a reader may read but not submit or cancel (403).
"""
from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy import Connection, Engine, text

from service.jobs.model import (
    CANCELLED,
    DELIVERED,
    PENDING,
    QUEUED,
    RUNNING,
    UNDELIVERED,
    JobNotFoundError,
    JobOptions,
    JobRecord,
    LeaseLostError,
    TooManyJobsError,
)
from service.jobs.schema import (
    FINAL,
    INPUT,
    JOB_COLUMNS,
    MIGRATIONS,
    OUTPUT,
    PART_BYTES,
    SCHEMA_TABLE,
    delivery,
    job_record,
)
from service.storage.db import MigratedEngine, applied_migrations, transaction
from service.storage.keys import add_usage, key_quota
from service.storage.tenancy import Tenant, require_change, require_create, visible_clause

LOCK = "jobs"
_UNFINISHED = f"('{QUEUED}', '{RUNNING}')"
_STATUS_COLUMN = {"ok": "ok", "failed": "failed", "skipped": "skipped"}


@dataclass(frozen=True)
class NewJob:
    """What a submit stores: who, what to build, the input's name and size, the callback."""

    owner: str | None
    key_id: str | None
    options: JobOptions
    input_name: str
    input_bytes: int
    total: int
    callback_url: str | None = None
    callback_secret: str | None = None


@dataclass(frozen=True)
class ArticleRecord:
    """One article as the job records it: its manifest line, output files and charged characters."""

    line: dict[str, Any]
    files: Sequence[tuple[str, bytes]] = ()
    characters: int = 0


class JobStore:
    """The job tables at a store URL; migrated on first use."""

    def __init__(self, url: str, *, keep_s: float = 7 * 86400.0, pool_size: int = 5) -> None:
        self.url = url
        self.keep_s = keep_s  # how long a finished job and its results are kept (jobs.keep_results_s)
        self._database = MigratedEngine(url, SCHEMA_TABLE, MIGRATIONS, label="jobs", pool_size=pool_size)

    def _db(self) -> Engine:
        return self._database.get()

    def schema_version(self) -> int:
        with transaction(self._db()) as conn:
            return applied_migrations(conn, SCHEMA_TABLE)

    def close(self) -> None:
        self._database.close()

    # -- submit, read, cancel, delete ----------------------------------------------------------------

    def create(self, job: NewJob, data: IO[bytes], *, tenant: Tenant, max_concurrent: int) -> JobRecord:
        """Store a queued job and its input (read from ``data`` in parts); 429 past the tenant's running jobs."""
        require_create(tenant, noun="job")
        job_id, now = uuid.uuid4().hex, time.time()
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            unfinished = conn.execute(text(
                f"SELECT COUNT(*) FROM jobs WHERE state IN {_UNFINISHED} AND "
                + ("owner IS NULL" if job.owner is None else "owner = :owner")), {"owner": job.owner}).scalar_one()
            if unfinished >= max_concurrent:
                raise TooManyJobsError(f"{tenant.describe()} already has {unfinished} queued or running job(s), "
                                       f"the limit (jobs.max_concurrent); wait for one to finish", retry_after=30)
            conn.execute(text(
                "INSERT INTO jobs (id, owner, key_id, state, options, input_name, input_bytes, created_at, total, "
                "callback_url, callback_secret) VALUES (:id, :owner, :key_id, :state, :options, :input_name, "
                ":input_bytes, :now, :total, :callback_url, :callback_secret)"),
                {"id": job_id, "owner": job.owner, "key_id": job.key_id, "state": QUEUED,
                 "options": json.dumps(job.options.to_dict()), "input_name": job.input_name,
                 "input_bytes": job.input_bytes, "now": now, "total": job.total, "callback_url": job.callback_url,
                 "callback_secret": job.callback_secret})
            for part, chunk in enumerate(iter(lambda: data.read(PART_BYTES), b"")):
                _insert_part(conn, job_id, INPUT, job.input_name, part, chunk)
        return self.get(job_id)

    def get(self, job_id: str, *, tenant: Tenant | None = None) -> JobRecord:
        """The job (with its callback attempts); 404 when there is none or ``tenant`` may not see it."""
        clause, params = visible_clause(tenant) if tenant is not None else ("1 = 1", {})
        with transaction(self._db()) as conn:
            row = conn.execute(text(f"SELECT {JOB_COLUMNS} FROM jobs WHERE id = :id AND {clause}"),
                               {"id": job_id, **params}).mappings().first()
            if row is None:
                raise JobNotFoundError(f"no job {job_id!r}")
            attempts = conn.execute(text("SELECT * FROM job_deliveries WHERE job_id = :id ORDER BY attempt"),
                                    {"id": job_id}).mappings().all()
        return job_record(row, [delivery(a) for a in attempts])

    def list_jobs(self, *, tenant: Tenant, state: str | None = None, limit: int = 50) -> list[JobRecord]:
        """The tenant's jobs, newest first (without their callback attempts)."""
        clause, params = visible_clause(tenant)
        if state:
            clause += " AND state = :state"
            params["state"] = state
        with transaction(self._db()) as conn:
            rows = conn.execute(text(f"SELECT {JOB_COLUMNS} FROM jobs WHERE {clause} "
                                     "ORDER BY created_at DESC, id LIMIT :limit"),
                                {**params, "limit": limit}).mappings().all()
        return [job_record(row) for row in rows]

    def request_cancel(self, job_id: str, *, tenant: Tenant) -> JobRecord:
        """Cancel: a queued job ends now; a running one after its current article; a finished one stays."""
        record = self.get(job_id, tenant=tenant)
        require_change(tenant, record.owner, hidden=JobNotFoundError(f"no job {job_id!r}"), noun="job")
        now = time.time()
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            conn.execute(text(f"UPDATE jobs SET cancel_requested = 1 WHERE id = :id AND state IN {_UNFINISHED}"),
                         {"id": job_id})
            conn.execute(text(
                "UPDATE jobs SET state = :cancelled, finished_at = :now, expires_at = :expires, "
                "callback_state = CASE WHEN callback_url IS NULL THEN NULL ELSE :pending END, "
                "callback_next_at = CASE WHEN callback_url IS NULL THEN NULL ELSE :now END "
                "WHERE id = :id AND state = :queued"),
                {"id": job_id, "cancelled": CANCELLED, "now": now, "queued": QUEUED, "pending": PENDING,
                 "expires": now + self.keep_s})
        return self.get(job_id)

    def delete(self, job_id: str, *, tenant: Tenant) -> None:
        """Remove a finished job and everything it produced (a queued or running one: cancel it first)."""
        record = self.get(job_id, tenant=tenant)
        require_change(tenant, record.owner, hidden=JobNotFoundError(f"no job {job_id!r}"), noun="job")
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            conn.execute(text(f"DELETE FROM jobs WHERE id = :id AND state NOT IN {_UNFINISHED}"), {"id": job_id})

    def expire(self, now: float | None = None) -> int:
        """Remove finished jobs past their ``expires_at`` (and their files); how many went."""
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            return int(conn.execute(text("DELETE FROM jobs WHERE expires_at IS NOT NULL AND expires_at < :now"),
                                    {"now": now or time.time()}).rowcount or 0)

    # -- workers: claim, heartbeat, record, finish ------------------------------------------------

    def claimable(self, now: float | None = None) -> list[str]:
        """Ids of jobs a worker may take now, oldest first: queued, or running with a lease run out."""
        with transaction(self._db()) as conn:
            rows = conn.execute(text(
                "SELECT id FROM jobs WHERE state = :queued OR (state = :running AND lease_until < :now) "
                "ORDER BY created_at, id LIMIT 20"),
                {"queued": QUEUED, "running": RUNNING, "now": now or time.time()}).all()
        return [row[0] for row in rows]

    def claim(self, job_id: str, owner: str, lease_s: float) -> JobRecord | None:
        """Take the job for ``owner`` if it is queued or its lease ran out; None when someone else holds it."""
        now = time.time()
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            taken = conn.execute(text(
                "UPDATE jobs SET state = :running, lease_owner = :owner, lease_until = :until, runs = runs + 1, "
                "started_at = COALESCE(started_at, :now), run_started_at = :now, "
                "run_processed = ok + failed + skipped "
                "WHERE id = :id AND (state = :queued OR (state = :running AND lease_until < :now))"),
                {"running": RUNNING, "queued": QUEUED, "owner": owner, "until": now + lease_s, "now": now,
                 "id": job_id}).rowcount
        return self.get(job_id) if taken else None

    def heartbeat(self, job_id: str, owner: str, lease_s: float) -> tuple[bool, bool]:
        """Renew the lease; (still ours, cancel requested)."""
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            renewed = conn.execute(text(
                "UPDATE jobs SET lease_until = :until WHERE id = :id AND lease_owner = :owner AND state = :running"),
                {"until": time.time() + lease_s, "id": job_id, "owner": owner, "running": RUNNING}).rowcount
            row = conn.execute(text("SELECT cancel_requested FROM jobs WHERE id = :id"), {"id": job_id}).first()
        return bool(renewed), bool(row and row[0])

    def release(self, job_id: str, owner: str) -> bool:
        """Give a running job back to the queue at once (its worker is stopping); False if not held."""
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            return bool(conn.execute(text(
                "UPDATE jobs SET state = :queued, lease_owner = NULL, lease_until = NULL "
                "WHERE id = :id AND lease_owner = :owner AND state = :running"),
                {"queued": QUEUED, "id": job_id, "owner": owner, "running": RUNNING}).rowcount)

    def record_article(self, job_id: str, owner: str, article: ArticleRecord, spellings: Sequence[str],
                       *, default_quota: int) -> bool:
        """One article's manifest line, outputs, new spellings and charge, in one transaction; whether a
        cancel has been requested (the worker then records no further article).

        The charge (``characters`` against the submitting key's daily quota) commits with the line
        or not at all: QuotaExceededError leaves nothing recorded and nothing charged.
        """
        line = article.line
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            job = conn.execute(text("SELECT key_id, lease_owner, state, cancel_requested FROM jobs WHERE id = :id"),
                               {"id": job_id}).first()
            if job is None or job[1] != owner or job[2] != RUNNING:
                raise LeaseLostError(f"job {job_id} is no longer held by this worker")
            if article.characters and job[0]:
                add_usage(conn, job[0], requests=0, characters=article.characters,
                          quota=key_quota(conn, job[0], default_quota))
            self._replace_article(conn, job_id, line, article.characters)
            for name, data in article.files:
                conn.execute(text("DELETE FROM job_files WHERE job_id = :id AND kind = :kind AND name = :name"),
                             {"id": job_id, "kind": OUTPUT, "name": name})
                for part, start in enumerate(range(0, max(len(data), 1), PART_BYTES)):
                    _insert_part(conn, job_id, OUTPUT, name, part, data[start:start + PART_BYTES])
            first = conn.execute(text("SELECT COALESCE(MAX(seq), 0) FROM job_spellings WHERE job_id = :id"),
                                 {"id": job_id}).scalar_one()
            for n, record in enumerate(spellings, int(first) + 1):
                conn.execute(text("INSERT INTO job_spellings (job_id, seq, record) VALUES (:id, :seq, :record)"),
                             {"id": job_id, "seq": n, "record": record})
        return bool(job[3])

    @staticmethod
    def _replace_article(conn: Connection, job_id: str, line: Mapping[str, Any], characters: int) -> None:
        """The article's line (a redone article replaces its earlier one and moves to the end), and the counts."""
        previous = conn.execute(text("SELECT status, characters FROM job_articles WHERE job_id = :id AND "
                                     "article_id = :aid"), {"id": job_id, "aid": line["id"]}).first()
        if previous is not None:
            conn.execute(text("DELETE FROM job_articles WHERE job_id = :id AND article_id = :aid"),
                         {"id": job_id, "aid": line["id"]})
            column = _STATUS_COLUMN.get(previous[0])
            if column:
                conn.execute(text(f"UPDATE jobs SET {column} = {column} - 1 WHERE id = :id"), {"id": job_id})
        seq = conn.execute(text("SELECT COALESCE(MAX(seq), 0) + 1 FROM job_articles WHERE job_id = :id"),
                           {"id": job_id}).scalar_one()
        conn.execute(text("INSERT INTO job_articles (job_id, article_id, seq, status, record, characters) "
                          "VALUES (:id, :aid, :seq, :status, :record, :characters)"),
                     {"id": job_id, "aid": line["id"], "seq": seq, "status": line["status"],
                      "record": json.dumps(line, ensure_ascii=False), "characters": characters})
        column = _STATUS_COLUMN.get(line["status"])
        if column:
            conn.execute(text(f"UPDATE jobs SET {column} = {column} + 1, characters = characters + :c "
                              "WHERE id = :id"), {"id": job_id, "c": characters})

    def finish(self, job_id: str, owner: str | None, state: str, *, error: tuple[str, str] | None = None,
               files: Iterable[tuple[str, bytes]] = (), total: int | None = None) -> bool:
        """End the job (under ``owner``'s lease; None: whoever holds it); False when the lease was lost."""
        now = time.time()
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            held = "" if owner is None else " AND lease_owner = :owner"
            ended = conn.execute(text(
                "UPDATE jobs SET state = :state, finished_at = :now, expires_at = :expires, lease_owner = NULL, "
                "lease_until = NULL, error_code = :code, error_message = :message, total = COALESCE(:total, total), "
                "callback_state = CASE WHEN callback_url IS NULL THEN NULL ELSE :pending END, "
                "callback_next_at = CASE WHEN callback_url IS NULL THEN NULL ELSE :now END "
                f"WHERE id = :id AND state = :running{held}"),
                {"state": state, "now": now, "expires": now + self.keep_s, "code": error[0] if error else None,
                 "message": error[1] if error else None, "total": total, "pending": PENDING, "id": job_id,
                 "running": RUNNING, "owner": owner}).rowcount
            if not ended:
                return False
            for name, data in files:
                for part, start in enumerate(range(0, max(len(data), 1), PART_BYTES)):
                    _insert_part(conn, job_id, FINAL, name, part, data[start:start + PART_BYTES])
        return True

    # -- what a job holds ------------------------------------------------------------------------

    def input_parts(self, job_id: str) -> Iterator[bytes]:
        """The job's input, part by part."""
        yield from self._parts(job_id, INPUT, None)

    def file_names(self, job_id: str, kind: str) -> list[str]:
        with transaction(self._db()) as conn:
            rows = conn.execute(text("SELECT DISTINCT name FROM job_files WHERE job_id = :id AND kind = :kind "
                                     "ORDER BY name"), {"id": job_id, "kind": kind}).all()
        return [row[0] for row in rows]

    def file(self, job_id: str, kind: str, name: str) -> bytes | None:
        """One stored file (an output by its relative path, or a final file); None if absent."""
        parts = list(self._parts(job_id, kind, name))
        return b"".join(parts) if parts else None

    def _parts(self, job_id: str, kind: str, name: str | None) -> Iterator[bytes]:
        part = 0
        while True:  # one part per query: a 200 MB input never sits in memory whole
            with transaction(self._db()) as conn:
                row = conn.execute(text(
                    "SELECT data FROM job_files WHERE job_id = :id AND kind = :kind AND part = :part"
                    + ("" if name is None else " AND name = :name")),
                    {"id": job_id, "kind": kind, "part": part, "name": name}).first()
            if row is None:
                return
            yield bytes(row[0])
            part += 1

    def manifest(self, job_id: str) -> list[dict[str, Any]]:
        """The recorded manifest lines, in the order they were recorded."""
        with transaction(self._db()) as conn:
            rows = conn.execute(text("SELECT record FROM job_articles WHERE job_id = :id ORDER BY seq"),
                                {"id": job_id}).all()
        return [json.loads(row[0]) for row in rows]

    def article(self, job_id: str, article_id: str) -> dict[str, Any] | None:
        with transaction(self._db()) as conn:
            row = conn.execute(text("SELECT record FROM job_articles WHERE job_id = :id AND article_id = :aid"),
                               {"id": job_id, "aid": article_id}).first()
        return json.loads(row[0]) if row else None

    def spellings(self, job_id: str) -> list[str]:
        with transaction(self._db()) as conn:
            rows = conn.execute(text("SELECT record FROM job_spellings WHERE job_id = :id ORDER BY seq"),
                                {"id": job_id}).all()
        return [row[0] for row in rows]

    # -- callbacks -----------------------------------------------------------------------------

    def due_callbacks(self, now: float | None = None) -> list[str]:
        with transaction(self._db()) as conn:
            rows = conn.execute(text("SELECT id FROM jobs WHERE callback_state = :pending AND callback_next_at <= :now "
                                     "ORDER BY callback_next_at LIMIT 20"),
                                {"pending": PENDING, "now": now or time.time()}).all()
        return [row[0] for row in rows]

    def claim_callback(self, job_id: str, hold_s: float) -> tuple[str, str, int] | None:
        """Take a due callback for one attempt (url, secret, attempt number); None when not due or taken."""
        now = time.time()
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            row = conn.execute(text("SELECT callback_url, callback_secret, callback_next_at FROM jobs WHERE id = :id "
                                    "AND callback_state = :pending AND callback_next_at <= :now"),
                               {"id": job_id, "pending": PENDING, "now": now}).first()
            if row is None:
                return None
            conn.execute(text("UPDATE jobs SET callback_next_at = :later WHERE id = :id"),
                         {"later": now + hold_s, "id": job_id})
            attempts = conn.execute(text("SELECT COUNT(*) FROM job_deliveries WHERE job_id = :id"),
                                    {"id": job_id}).scalar_one()
        return row[0], row[1] or "", int(attempts) + 1

    def record_delivery(self, job_id: str, attempt: Any, *, retry_at: float | None) -> None:
        """Keep one attempt; then delivered, failed for good, or pending until ``retry_at``."""
        state = DELIVERED if attempt.error is None else (PENDING if retry_at is not None else UNDELIVERED)
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            conn.execute(text("INSERT INTO job_deliveries (job_id, attempt, at, event, status, error, duration_ms) "
                              "VALUES (:id, :attempt, :at, :event, :status, :error, :duration_ms)"),
                         {"id": job_id, "attempt": attempt.attempt, "at": attempt.at, "event": attempt.event,
                          "status": attempt.status, "error": attempt.error, "duration_ms": attempt.duration_ms})
            conn.execute(text("UPDATE jobs SET callback_state = :state, callback_next_at = :next WHERE id = :id"),
                         {"state": state, "next": retry_at if state == PENDING else None, "id": job_id})


def _insert_part(conn: Connection, job_id: str, kind: str, name: str, part: int, data: bytes) -> None:
    conn.execute(text("INSERT INTO job_files (job_id, kind, name, part, data) "
                      "VALUES (:id, :kind, :name, :part, :data)"),
                 {"id": job_id, "kind": kind, "name": name, "part": part, "data": data})

