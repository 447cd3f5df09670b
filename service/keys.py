"""API keys and their daily usage, in the service's SQLite file.

Keys live in their own tables beside the glossary store's; their schema version
is kept in ``api_key_schema`` (never ``PRAGMA user_version``, which belongs to
the glossary store). Only a SHA-256 digest of each secret is stored; the public
``id`` (the key's prefix) names it in listings, logs and revocation.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from service.errors import AuthError, ForbiddenError, NotFoundError, QuotaExceededError

SCHEMA_VERSION = 1
KEY_PREFIX = "bk_"
RATE_PATTERN = re.compile(r"^\s*\d+\s*(/|per)\s*\d*\s*(second|minute|hour|day)s?\s*$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_key_schema (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    rate_limit TEXT NOT NULL DEFAULT '',
    char_quota INTEGER,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS api_key_usage (
    key_id TEXT NOT NULL REFERENCES api_keys(id),
    day TEXT NOT NULL,
    requests INTEGER NOT NULL DEFAULT 0,
    characters INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, day)
);
"""


@dataclass(frozen=True)
class ApiKey:
    """A key's public record; ``rate_limit`` "" and ``char_quota`` None mean the service default."""

    id: str
    name: str
    rate_limit: str
    char_quota: int | None
    created_at: str
    revoked_at: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class Usage:
    key_id: str
    day: str
    requests: int
    characters: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def today() -> str:
    """The UTC day that quotas count against."""
    return datetime.now(UTC).date().isoformat()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def validate_rate(rate: str) -> str:
    """Check a rate limit such as ``60/minute``; ValueError otherwise."""
    if rate and not RATE_PATTERN.match(rate):
        raise ValueError(f"bad rate limit {rate!r}; use e.g. '60/minute' or '1000 per day'")
    return rate.strip()


class KeyStore:
    """API keys and usage counters in the SQLite file at ``path`` (shared with the glossary store)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._ready = False

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self._migrate()
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    def _migrate(self) -> None:
        with self._lock:
            if self._ready:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    conn.execute(statement)
                row = conn.execute("SELECT max(version) FROM api_key_schema").fetchone()
                if row[0] is None:
                    conn.execute("INSERT INTO api_key_schema (version) VALUES (?)", (SCHEMA_VERSION,))
                elif row[0] > SCHEMA_VERSION:
                    raise RuntimeError(f"{self.path}: API key schema {row[0]} is newer than this "
                                       f"service ({SCHEMA_VERSION}); upgrade the service")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                conn.close()
            self._ready = True

    def create(self, name: str = "", *, rate_limit: str = "", char_quota: int | None = None) -> tuple[ApiKey, str]:
        """Make a key; returns its record and the secret, which is shown once and never stored."""
        rate_limit = validate_rate(rate_limit)
        if char_quota is not None and char_quota < 0:
            raise ValueError(f"char quota must not be negative, got {char_quota}")
        key_id = KEY_PREFIX + secrets.token_hex(4)
        secret = f"{key_id}.{secrets.token_urlsafe(24)}"
        record = ApiKey(key_id, name, rate_limit, char_quota, _now())
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO api_keys (id, digest, name, rate_limit, char_quota, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (key_id, _digest(secret), name, rate_limit, char_quota, record.created_at),
            )
        return record, secret

    def list(self) -> list[ApiKey]:
        """Every key, revoked ones included, oldest first."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, name, rate_limit, char_quota, created_at, revoked_at FROM api_keys "
                "ORDER BY created_at, id").fetchall()
        return [ApiKey(*row) for row in rows]

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key by its public id; NotFoundError when there is none."""
        with self._connect() as conn:
            found = conn.execute("SELECT 1 FROM api_keys WHERE id = ?", (key_id,)).fetchone()
            if not found:
                raise NotFoundError(f"no API key with id {key_id!r}")
            conn.execute("UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
                         (_now(), key_id))
        return next(k for k in self.list() if k.id == key_id)

    def verify(self, secret: str) -> ApiKey:
        """The key this secret belongs to: AuthError if unknown, ForbiddenError if revoked."""
        key_id = secret.split(".", 1)[0] if secret else ""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT id, name, rate_limit, char_quota, created_at, revoked_at, digest "
                "FROM api_keys WHERE id = ?", (key_id,)).fetchone()
        # Compare a digest even when the id is unknown, so timing says nothing about ids.
        stored = row[6] if row else _digest("")
        if not hmac.compare_digest(stored, _digest(secret or "")) or row is None:
            raise AuthError("the API key is not valid")
        key = ApiKey(*row[:6])
        if key.revoked:
            raise ForbiddenError(f"the API key {key.id} was revoked")
        return key

    def usage(self, key_id: str, day: str | None = None) -> Usage:
        """Requests and characters of one key on one UTC day (today by default)."""
        day = day or today()
        with self._connect() as conn:
            row = conn.execute("SELECT requests, characters FROM api_key_usage WHERE key_id = ? AND day = ?",
                               (key_id, day)).fetchone()
        return Usage(key_id, day, *(row or (0, 0)))

    def record(self, key_id: str, *, requests: int = 1, characters: int = 0, quota: int = 0) -> Usage:
        """Add to today's usage; QuotaExceededError (nothing added) when characters would pass ``quota``."""
        day = today()
        with self._connect() as conn:
            row = conn.execute("SELECT requests, characters FROM api_key_usage WHERE key_id = ? AND day = ?",
                               (key_id, day)).fetchone()
            used_requests, used_chars = row or (0, 0)
            if quota and characters and used_chars + characters > quota:
                raise QuotaExceededError(
                    f"this request has {characters} characters; the key has used {used_chars} of "
                    f"its {quota} characters today (UTC)", retry_after=_seconds_to_midnight())
            conn.execute(
                "INSERT INTO api_key_usage (key_id, day, requests, characters) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key_id, day) DO UPDATE SET requests = requests + excluded.requests, "
                "characters = characters + excluded.characters",
                (key_id, day, requests, characters))
        return Usage(key_id, day, used_requests + requests, used_chars + characters)


def _seconds_to_midnight() -> int:
    now = datetime.now(UTC)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, 86400 - int((now - midnight).total_seconds()))
