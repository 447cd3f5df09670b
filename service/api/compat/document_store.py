"""Document jobs in the service's database: every worker (and host) answers a poll and may run any job.

The table is this module's own (``compat_documents``, versioned in ``compat_documents_schema``) in the
database named by ``store_url`` / ``store_path``: SQLite or PostgreSQL through :mod:`service.storage.db`.
Only a SHA-256 digest of each job's key is stored.

**Leases.** A job keeps its upload (``input``) and what to do with it (``job``, ``tenant``) until it
finishes, so any worker can run it. A worker *claims* a queued job, or a translating one whose lease
ran out, by writing its own id and ``lease_until``; while it translates it renews the lease
(:meth:`DocumentStore.renew`); only the lease holder may finish the job. A worker that dies (kill -9,
a restart) stops renewing, and after ``lease_s`` another worker picks the job up again. A job picked
up ``max_attempts`` times fails instead of killing worker after worker. Finished jobs expire after
``ttl_s``.
"""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, text

from service.storage.db import MigratedEngine, transaction

TABLE = "compat_documents"
PENDING = "('queued', 'translating')"
COLUMNS = ("id, filename, fmt, billed_characters, status, error_message, result, created_at, finished_at, "
           "owner, attempts")
WORK_COLUMNS = "input, job, tenant, key_id, charged_day"
LOCK = "compat_documents"
# A job a worker may take: it still has its upload, and nobody runs it (queued, or its worker's lease ran out).
CLAIMABLE = "input IS NOT NULL AND (status = 'queued' OR (status = 'translating' AND lease_until < :now))"
INTERRUPTED = "the translation was interrupted; upload the document again"


def _create_table(conn: Connection) -> None:
    blob = "BLOB" if conn.dialect.name == "sqlite" else "BYTEA"
    conn.execute(text(
        f"CREATE TABLE {TABLE} (id TEXT PRIMARY KEY, key_digest TEXT NOT NULL, filename TEXT NOT NULL, "
        f"fmt TEXT NOT NULL, billed_characters INTEGER NOT NULL, status TEXT NOT NULL, error_message TEXT, "
        f"result {blob}, created_at DOUBLE PRECISION NOT NULL, finished_at DOUBLE PRECISION)"))
    conn.execute(text(f"CREATE INDEX {TABLE}_key ON {TABLE} (key_digest)"))


def _add_leases(conn: Connection) -> None:
    """What any worker needs to run a job (the upload, the job, its tenant, whom to refund) and its lease."""
    blob = "BLOB" if conn.dialect.name == "sqlite" else "BYTEA"
    for column in ("owner TEXT", f"input {blob}", "job TEXT", "tenant TEXT", "key_id TEXT", "charged_day TEXT",
                   "lease_owner TEXT", "lease_until DOUBLE PRECISION", "attempts INTEGER NOT NULL DEFAULT 0"):
        conn.execute(text(f"ALTER TABLE {TABLE} ADD COLUMN {column}"))
    conn.execute(text(f"CREATE INDEX {TABLE}_status ON {TABLE} (status, created_at)"))


MIGRATIONS = [_create_table, _add_leases]


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass
class DocumentRecord:
    """One document job as stored: ``queued`` -> ``translating`` -> ``done`` | ``error``."""

    id: str
    filename: str
    fmt: str
    billed_characters: int
    status: str = "queued"
    error_message: str | None = None
    result: bytes | None = None
    created_at: float = 0.0
    finished_at: float | None = None
    owner: str | None = None  # the uploader's tenant scope: only it may poll and download (None: anyone with the key)
    attempts: int = 0


@dataclass(frozen=True)
class DocumentWork:
    """What a worker needs to run a job it claimed: the upload and the job's own description (JSON)."""

    id: str
    fmt: str
    input: bytes
    job: str
    tenant: str
    key_id: str | None
    charged_day: str | None
    billed_characters: int
    attempts: int


@dataclass(frozen=True)
class Claim:
    """What one :meth:`DocumentStore.claim` got: a job to run (or None), and jobs it failed on the way."""

    work: DocumentWork | None
    failed: list[DocumentWork]


def _record(row: Any) -> DocumentRecord:
    values = {k: v for k, v in dict(row).items() if k in DocumentRecord.__dataclass_fields__}
    if values["result"] is not None:
        values["result"] = bytes(values["result"])  # PostgreSQL hands back a memoryview
    return DocumentRecord(**values)


class DocumentStore:
    """Job rows at ``url``; the engine is made and the table migrated on first use."""

    def __init__(self, url: str, *, ttl_s: float, lease_s: float = 30.0, max_attempts: int = 3) -> None:
        self.url = url
        self.ttl_s = ttl_s
        self.lease_s = lease_s
        self.max_attempts = max_attempts
        self._database = MigratedEngine(url, f"{TABLE}_schema", MIGRATIONS, label="document jobs")

    def _db(self) -> Engine:
        return self._database.get()

    def add(self, record: DocumentRecord, key: str, *, work: DocumentWork | None = None,
            max_pending: int | None = None, max_pending_per_owner: int | None = None) -> str | None:
        """Store a new job; why not (nothing stored) when ``max_pending`` jobs of all tenants, or
        ``max_pending_per_owner`` of the record's owner, are already queued or translating."""
        now = time.time()
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            self._expire(conn, now)
            refusal = self._over_cap(conn, record.owner, max_pending, max_pending_per_owner)
            if refusal:
                return refusal
            conn.execute(text(
                f"INSERT INTO {TABLE} (key_digest, {COLUMNS}, {WORK_COLUMNS}) VALUES (:key_digest, :id, :filename, "
                ":fmt, :billed_characters, :status, :error_message, :result, :created_at, :finished_at, :owner, 0, "
                ":input, :job, :tenant, :key_id, :charged_day)"),
                {"key_digest": digest(key), "id": record.id, "filename": record.filename, "fmt": record.fmt,
                 "billed_characters": record.billed_characters, "status": record.status,
                 "error_message": record.error_message, "result": record.result, "created_at": now,
                 "finished_at": now if record.status in ("done", "error") else None, "owner": record.owner,
                 "input": work.input if work else None, "job": work.job if work else None,
                 "tenant": work.tenant if work else None, "key_id": work.key_id if work else None,
                 "charged_day": work.charged_day if work else None})
        return None

    @staticmethod
    def _over_cap(conn: Connection, owner: str | None, max_pending: int | None,
                  max_pending_per_owner: int | None) -> str | None:
        if max_pending is not None:
            pending = conn.execute(text(f"SELECT COUNT(*) FROM {TABLE} WHERE status IN {PENDING}")).scalar_one()
            if pending >= max_pending:
                return f"{pending} documents are being translated (documents.max_pending)"
        if max_pending_per_owner is not None and owner is not None:
            mine = conn.execute(text(f"SELECT COUNT(*) FROM {TABLE} WHERE status IN {PENDING} AND owner = :owner"),
                                {"owner": owner}).scalar_one()
            if mine >= max_pending_per_owner:
                return f"{mine} of your documents are being translated (documents.max_pending_per_tenant)"
        return None

    def claim(self, worker: str) -> Claim:
        """Take the oldest job no live worker holds (queued, or translating with an expired lease) under a
        lease for ``worker``. A job already picked up ``max_attempts`` times fails instead (``Claim.failed``:
        the caller refunds them)."""
        now = time.time()
        failed: list[DocumentWork] = []
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            while True:
                row = conn.execute(text(
                    f"SELECT id, fmt, billed_characters, attempts, {WORK_COLUMNS} FROM {TABLE} "
                    f"WHERE {CLAIMABLE} ORDER BY created_at, id LIMIT 1"), {"now": now}).mappings().first()
                if row is None:
                    return Claim(None, failed)
                if row["attempts"] >= self.max_attempts:
                    self._finish(conn, row["id"], "error", now, error=(
                        f"the translation stopped {row['attempts']} times (documents.max_attempts); "
                        "upload the document again, or in smaller parts"))
                    failed.append(_work(row))
                    continue
                conn.execute(text(f"UPDATE {TABLE} SET status = 'translating', lease_owner = :worker, "
                                  "lease_until = :until, attempts = attempts + 1 WHERE id = :id"),
                             {"worker": worker, "until": now + self.lease_s, "id": row["id"]})
                return Claim(dataclasses.replace(_work(row), attempts=row["attempts"] + 1), failed)

    def renew(self, worker: str, job_ids: list[str]) -> list[str]:
        """Extend ``worker``'s leases on ``job_ids``; returns the ids it no longer holds."""
        if not job_ids:
            return []
        until = time.time() + self.lease_s
        lost = []
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            for job_id in job_ids:
                renewed = conn.execute(text(f"UPDATE {TABLE} SET lease_until = :until WHERE id = :id AND "
                                            "lease_owner = :worker AND status = 'translating'"),
                                       {"until": until, "id": job_id, "worker": worker}).rowcount
                if not renewed:
                    lost.append(job_id)
        return lost

    def finish(self, job_id: str, worker: str, status: str, *, result: bytes | None = None,
               error: str | None = None) -> bool:
        """Record a job's end if ``worker`` still holds its lease (False: another worker took it over)."""
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            held = conn.execute(text(f"SELECT 1 FROM {TABLE} WHERE id = :id AND lease_owner = :worker "
                                     "AND status = 'translating'"), {"id": job_id, "worker": worker}).first()
            if held is None:
                return False
            self._finish(conn, job_id, status, time.time(), result=result, error=error)
        return True

    def release(self, worker: str, job_id: str | None = None) -> int:
        """Give back every job ``worker`` holds (a graceful stop), or only ``job_id``: queued again at once,
        the attempt not counted."""
        only = " AND id = :id" if job_id is not None else ""
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            return int(conn.execute(text(
                f"UPDATE {TABLE} SET status = 'queued', lease_owner = NULL, lease_until = NULL, "
                "attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END "
                f"WHERE lease_owner = :worker AND status = 'translating'{only}"),
                {"worker": worker, "id": job_id}).rowcount)

    def update(self, job_id: str, status: str) -> None:
        """Set a finished job's status, dropping its result (``downloaded``: DeepL's result is delivered once)."""
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            conn.execute(text(f"UPDATE {TABLE} SET status = :status, result = NULL WHERE id = :id"),
                         {"status": status, "id": job_id})

    def pending(self) -> int:
        """Jobs queued or translating, every tenant's."""
        with transaction(self._db()) as conn:
            return int(conn.execute(text(f"SELECT COUNT(*) FROM {TABLE} WHERE status IN {PENDING}")).scalar_one())

    def get(self, job_id: str, key: str) -> DocumentRecord | None:
        """The job with this id if ``key`` is its key."""
        with transaction(self._db()) as conn:
            row = conn.execute(text(f"SELECT key_digest, {COLUMNS} FROM {TABLE} WHERE id = :id"),
                               {"id": job_id}).mappings().first()
        if row is None or not hmac.compare_digest(row["key_digest"], digest(key)):
            return None
        return _record(row)

    def by_key(self, key: str) -> DocumentRecord | None:
        """The job whose key this is (download links carry only the key)."""
        with transaction(self._db()) as conn:
            row = conn.execute(text(f"SELECT {COLUMNS} FROM {TABLE} WHERE key_digest = :k"),
                               {"k": digest(key)}).mappings().first()
        return _record(row) if row else None

    @staticmethod
    def _finish(conn: Connection, job_id: str, status: str, now: float, *, result: bytes | None = None,
                error: str | None = None) -> None:
        conn.execute(text(f"UPDATE {TABLE} SET status = :status, result = :result, error_message = :error, "
                          "finished_at = :now, input = NULL, lease_owner = NULL, lease_until = NULL WHERE id = :id"),
                     {"status": status, "result": result, "error": error, "now": now, "id": job_id})

    def _expire(self, conn: Connection, now: float) -> None:
        conn.execute(text(f"DELETE FROM {TABLE} WHERE finished_at IS NOT NULL AND finished_at < :cutoff"),
                     {"cutoff": now - self.ttl_s})
        # Jobs from before leases kept no upload: nobody can run them again, so they are reported as failed.
        conn.execute(text(f"UPDATE {TABLE} SET status = 'error', finished_at = :now, error_message = :message "
                          f"WHERE status IN {PENDING} AND input IS NULL"), {"now": now, "message": INTERRUPTED})


def _work(row: Any) -> DocumentWork:
    return DocumentWork(id=row["id"], fmt=row["fmt"], input=bytes(row["input"]), job=row["job"] or "{}",
                        tenant=row["tenant"] or "{}", key_id=row["key_id"], charged_day=row["charged_day"],
                        billed_characters=row["billed_characters"], attempts=row["attempts"])
