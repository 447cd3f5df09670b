"""Document jobs in the service's SQLite file, so every gunicorn worker can answer a poll.

Only a SHA-256 digest of each job's key is stored. The table is this module's own
(``compat_documents``), beside the glossary and key tables; finished jobs expire.
"""
from __future__ import annotations

import hashlib
import hmac
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS compat_documents (
    id TEXT PRIMARY KEY,
    key_digest TEXT NOT NULL,
    filename TEXT NOT NULL,
    fmt TEXT NOT NULL,
    billed_characters INTEGER NOT NULL,
    status TEXT NOT NULL,
    error_message TEXT,
    result BLOB,
    created_at REAL NOT NULL,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS compat_documents_key ON compat_documents (key_digest)
"""
PENDING = ("queued", "translating")
COLUMNS = "id, filename, fmt, billed_characters, status, error_message, result, created_at, finished_at"


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


class DocumentStore:
    """Job rows in ``path``; each call opens its own connection (safe across threads and processes)."""

    def __init__(self, path: Path | str, *, ttl_s: float, stale_s: float) -> None:
        self.path = Path(path)
        self.ttl_s = ttl_s
        self.stale_s = stale_s
        self._ready = False
        self._lock = threading.Lock()

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self._migrate()
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    def _migrate(self) -> None:
        with self._lock:
            if self._ready:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            try:
                for statement in filter(str.strip, SCHEMA.split(";")):
                    conn.execute(statement)
            finally:
                conn.close()
            self._ready = True

    def add(self, record: DocumentRecord, key: str, *, max_pending: int | None = None) -> bool:
        """Store a new job; False (nothing stored) when ``max_pending`` jobs are already waiting."""
        now = time.time()
        with self._connect(write=True) as conn:
            self._expire(conn, now)
            if max_pending is not None:
                pending = conn.execute(f"SELECT COUNT(*) FROM compat_documents WHERE status IN {PENDING}").fetchone()
                if pending[0] >= max_pending:
                    return False
            conn.execute(f"INSERT INTO compat_documents (key_digest, {COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (digest(key), record.id, record.filename, record.fmt, record.billed_characters,
                          record.status, record.error_message, record.result, now, record.finished_at))
        return True

    def update(self, job_id: str, status: str, *, result: bytes | None = None, error: str | None = None) -> None:
        """Move a job on; a finished one gets its result or error and a finish time."""
        finished = time.time() if status in ("done", "error") else None
        with self._connect(write=True) as conn:
            conn.execute("UPDATE compat_documents SET status = ?, result = ?, error_message = ?, finished_at = ? "
                         "WHERE id = ?", (status, result, error, finished, job_id))

    def get(self, job_id: str, key: str) -> DocumentRecord | None:
        """The job with this id if ``key`` is its key."""
        with self._connect() as conn:
            row = conn.execute(f"SELECT key_digest, {COLUMNS} FROM compat_documents WHERE id = ?",
                               (job_id,)).fetchone()
        if row is None or not hmac.compare_digest(row[0], digest(key)):
            return None
        return DocumentRecord(*row[1:])

    def by_key(self, key: str) -> DocumentRecord | None:
        """The job whose key this is (download links carry only the key)."""
        with self._connect() as conn:
            row = conn.execute(f"SELECT {COLUMNS} FROM compat_documents WHERE key_digest = ?",
                               (digest(key),)).fetchone()
        return DocumentRecord(*row) if row else None

    def _expire(self, conn: sqlite3.Connection, now: float) -> None:
        conn.execute("DELETE FROM compat_documents WHERE finished_at IS NOT NULL AND finished_at < ?",
                     (now - self.ttl_s,))
        # A job whose worker died never finishes: after ``stale_s`` it is reported as failed.
        conn.execute(f"UPDATE compat_documents SET status = 'error', finished_at = ?, error_message = ? "
                     f"WHERE status IN {PENDING} AND created_at < ?",
                     (now, "the translation was interrupted; upload the document again", now - self.stale_s))
