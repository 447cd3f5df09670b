"""Document jobs in the service's database, so every worker (and host) can answer a poll.

The table is this module's own (``compat_documents``, versioned in
``compat_documents_schema``) in the database named by ``store_url`` / ``store_path``:
SQLite or PostgreSQL through :mod:`service.storage.db`. Only a SHA-256 digest of each job's key
is stored; finished jobs expire and jobs whose worker died are reported as failed.
"""
from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, text

from service.storage.db import MigratedEngine, transaction

TABLE = "compat_documents"
PENDING = "('queued', 'translating')"
COLUMNS = "id, filename, fmt, billed_characters, status, error_message, result, created_at, finished_at"
LOCK = "compat_documents"


def _create_table(conn: Connection) -> None:
    blob = "BLOB" if conn.dialect.name == "sqlite" else "BYTEA"
    conn.execute(text(
        f"CREATE TABLE {TABLE} (id TEXT PRIMARY KEY, key_digest TEXT NOT NULL, filename TEXT NOT NULL, "
        f"fmt TEXT NOT NULL, billed_characters INTEGER NOT NULL, status TEXT NOT NULL, error_message TEXT, "
        f"result {blob}, created_at DOUBLE PRECISION NOT NULL, finished_at DOUBLE PRECISION)"))
    conn.execute(text(f"CREATE INDEX {TABLE}_key ON {TABLE} (key_digest)"))


MIGRATIONS = [_create_table]


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


def _record(row: Any) -> DocumentRecord:
    values = dict(row)
    values.pop("key_digest", None)
    if values["result"] is not None:
        values["result"] = bytes(values["result"])  # PostgreSQL hands back a memoryview
    return DocumentRecord(**values)


class DocumentStore:
    """Job rows at ``url``; the engine is made and the table migrated on first use."""

    def __init__(self, url: str, *, ttl_s: float, stale_s: float) -> None:
        self.url = url
        self.ttl_s = ttl_s
        self.stale_s = stale_s
        self._database = MigratedEngine(url, f"{TABLE}_schema", MIGRATIONS, label="document jobs")

    def _db(self) -> Engine:
        return self._database.get()

    def add(self, record: DocumentRecord, key: str, *, max_pending: int | None = None) -> bool:
        """Store a new job; False (nothing stored) when ``max_pending`` jobs are already waiting."""
        now = time.time()
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            self._expire(conn, now)
            if max_pending is not None:
                pending = conn.execute(text(f"SELECT COUNT(*) FROM {TABLE} WHERE status IN {PENDING}")).scalar_one()
                if pending >= max_pending:
                    return False
            conn.execute(text(
                f"INSERT INTO {TABLE} (key_digest, {COLUMNS}) VALUES (:key_digest, :id, :filename, :fmt, "
                ":billed_characters, :status, :error_message, :result, :created_at, :finished_at)"),
                {"key_digest": digest(key), "id": record.id, "filename": record.filename, "fmt": record.fmt,
                 "billed_characters": record.billed_characters, "status": record.status,
                 "error_message": record.error_message, "result": record.result, "created_at": now,
                 "finished_at": now if record.status in ("done", "error") else None})
        return True

    def update(self, job_id: str, status: str, *, result: bytes | None = None, error: str | None = None) -> None:
        """Move a job on; a finished one gets its result or error and a finish time."""
        finished = time.time() if status in ("done", "error") else None
        with transaction(self._db(), write=True, lock=LOCK) as conn:
            conn.execute(text(f"UPDATE {TABLE} SET status = :status, result = :result, error_message = :error, "
                              "finished_at = :finished WHERE id = :id"),
                         {"status": status, "result": result, "error": error, "finished": finished, "id": job_id})

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

    def _expire(self, conn: Connection, now: float) -> None:
        conn.execute(text(f"DELETE FROM {TABLE} WHERE finished_at IS NOT NULL AND finished_at < :cutoff"),
                     {"cutoff": now - self.ttl_s})
        # A job whose worker died never finishes: after ``stale_s`` it is reported as failed.
        conn.execute(text(f"UPDATE {TABLE} SET status = 'error', finished_at = :now, error_message = :message "
                          f"WHERE status IN {PENDING} AND created_at < :cutoff"),
                     {"now": now, "message": "the translation was interrupted; upload the document again",
                      "cutoff": now - self.stale_s})
