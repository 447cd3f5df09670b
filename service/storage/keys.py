"""API keys and their daily usage, in the service's store (SQLite file or PostgreSQL).

Keys live in their own tables beside the glossary store's; their schema version
is kept in ``api_key_schema`` (never ``PRAGMA user_version``, which belongs to
the glossary store). Only a SHA-256 digest of each secret is stored; the public
``id`` (the key's prefix) names it in listings, logs and revocation. Quota counters
are updated atomically in the database (``UPDATE ... WHERE characters + n <= quota``),
so every worker and host shares one count.

Each key has a ``team`` (optional) and a ``role`` (admin, editor or reader; see
:mod:`service.storage.tenancy`). Migration 2 adds both: keys made before it have no team (their data is
their own) and the role ``editor``, so they keep doing what they did (create, change and delete
their own glossaries); ``http.admin_keys`` still makes a key an admin.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from service.errors import AuthError, ForbiddenError, NotFoundError, QuotaExceededError
from service.storage.db import MigratedEngine, applied_migrations, normalise_url, sqlite_path, transaction
from service.storage.tenancy import DEFAULT_ROLE, validate_role, validate_team

SCHEMA_VERSION = 2
SCHEMA_TABLE = "api_key_schema"
KEY_PREFIX = "bk_"
RATE_PATTERN = re.compile(r"^\s*\d+\s*(/|per)\s*\d*\s*(second|minute|hour|day)s?\s*$")

_SCHEMA_V1 = (
    """CREATE TABLE IF NOT EXISTS api_keys (
        id VARCHAR(32) PRIMARY KEY,
        digest TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        rate_limit TEXT NOT NULL DEFAULT '',
        char_quota INTEGER,
        created_at TEXT NOT NULL,
        revoked_at TEXT)""",
    """CREATE TABLE IF NOT EXISTS api_key_usage (
        key_id VARCHAR(32) NOT NULL REFERENCES api_keys(id),
        day VARCHAR(10) NOT NULL,
        requests INTEGER NOT NULL DEFAULT 0,
        characters INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (key_id, day))""",
)


def _create_tables(conn: Connection) -> None:
    for statement in _SCHEMA_V1:
        conn.execute(text(statement))


def _add_team_and_role(conn: Connection) -> None:
    """Keys belong to a team (NULL: none, the key is its own tenant) and have a role (existing: editor)."""
    conn.execute(text("ALTER TABLE api_keys ADD COLUMN team VARCHAR(64)"))
    conn.execute(text(f"ALTER TABLE api_keys ADD COLUMN role VARCHAR(16) NOT NULL DEFAULT '{DEFAULT_ROLE}'"))


MIGRATIONS = (_create_tables, _add_team_and_role)
_COLUMNS = "id, name, rate_limit, char_quota, created_at, revoked_at, team, role"


@dataclass(frozen=True)
class ApiKey:
    """A key's public record; ``rate_limit`` "" and ``char_quota`` None mean the service default."""

    id: str
    name: str
    rate_limit: str
    char_quota: int | None
    created_at: str
    revoked_at: str | None = None
    team: str | None = None  # keys of one team share their data; None: the key is its own tenant
    role: str = DEFAULT_ROLE  # admin | editor | reader (service.storage.tenancy)

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
    """API keys and usage counters at a store URL or SQLite path (shared with the glossary store)."""

    def __init__(self, path_or_url: str | Path, *, pool_size: int = 5) -> None:
        self.url = normalise_url(path_or_url)
        self.path = sqlite_path(self.url)
        self._database = MigratedEngine(self.url, SCHEMA_TABLE, MIGRATIONS, newest_known=SCHEMA_VERSION,
                                        label=f"{self.path or 'store'}: API key", pool_size=pool_size)

    def _ready_engine(self) -> Engine:
        return self._database.get()

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[Connection]:
        with transaction(self._ready_engine(), write=write) as conn:
            yield conn

    def schema_version(self) -> int:
        """The number of API-key migrations applied to this store (migrating it first)."""
        with self._connect() as conn:
            return applied_migrations(conn, SCHEMA_TABLE)

    def close(self) -> None:
        """Release the pooled connections; the next call reopens them."""
        self._database.close()

    def create(self, name: str = "", *, rate_limit: str = "", char_quota: int | None = None,
               team: str | None = None, role: str = DEFAULT_ROLE) -> tuple[ApiKey, str]:
        """Make a key; returns its record and the secret, which is shown once and never stored.

        ``team``: keys of one team share their glossaries (None: the key's data is its own);
        ``role``: admin, editor (the default) or reader. ValueError for a bad value.
        """
        rate_limit = validate_rate(rate_limit)
        if char_quota is not None and char_quota < 0:
            raise ValueError(f"char quota must not be negative, got {char_quota}")
        team = validate_team(team) if team is not None else None
        role = validate_role(role)
        key_id = KEY_PREFIX + secrets.token_hex(4)
        secret = f"{key_id}.{secrets.token_urlsafe(24)}"
        record = ApiKey(key_id, name, rate_limit, char_quota, _now(), team=team, role=role)
        with self._connect(write=True) as conn:
            conn.execute(text("INSERT INTO api_keys (id, digest, name, rate_limit, char_quota, created_at, team, role) "
                              "VALUES (:id, :digest, :name, :rate, :quota, :at, :team, :role)"),
                         {"id": key_id, "digest": _digest(secret), "name": name, "rate": rate_limit,
                          "quota": char_quota, "at": record.created_at, "team": team, "role": role})
        return record, secret

    def list(self) -> list[ApiKey]:
        """Every key, revoked ones included, oldest first."""
        with self._connect() as conn:
            rows = conn.execute(text(f"SELECT {_COLUMNS} FROM api_keys ORDER BY created_at, id")).all()
        return [ApiKey(*row) for row in rows]

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key by its public id; NotFoundError when there is none."""
        with self._connect(write=True) as conn:
            found = conn.execute(text("SELECT 1 FROM api_keys WHERE id = :id"), {"id": key_id}).first()
            if not found:
                raise NotFoundError(f"no API key with id {key_id!r}")
            conn.execute(text("UPDATE api_keys SET revoked_at = coalesce(revoked_at, :at) WHERE id = :id"),
                         {"at": _now(), "id": key_id})
        return next(k for k in self.list() if k.id == key_id)

    def verify(self, secret: str) -> ApiKey:
        """The key this secret belongs to: AuthError if unknown, ForbiddenError if revoked."""
        key_id = secret.split(".", 1)[0] if secret else ""
        with self._connect() as conn:
            row = conn.execute(text(f"SELECT {_COLUMNS}, digest FROM api_keys WHERE id = :id"),
                               {"id": key_id}).first()
        # Compare a digest even when the id is unknown, so timing says nothing about ids.
        stored = row[8] if row else _digest("")
        if not hmac.compare_digest(stored, _digest(secret or "")) or row is None:
            raise AuthError("the API key is not valid")
        key = ApiKey(*row[:8])
        if key.revoked:
            raise ForbiddenError(f"the API key {key.id} was revoked")
        return key

    def usage(self, key_id: str, day: str | None = None) -> Usage:
        """Requests and characters of one key on one UTC day (today by default)."""
        day = day or today()
        with self._connect() as conn:
            row = conn.execute(text("SELECT requests, characters FROM api_key_usage WHERE key_id = :k AND day = :d"),
                               {"k": key_id, "d": day}).first()
        return Usage(key_id, day, *(row or (0, 0)))

    def record(self, key_id: str, *, requests: int = 1, characters: int = 0, quota: int = 0) -> Usage:
        """Add to today's usage; QuotaExceededError (nothing added) when characters would pass ``quota``.

        One conditional UPDATE does the check and the addition, so concurrent requests on any
        worker or host can never together pass the quota.
        """
        with self._connect(write=True) as conn:
            return add_usage(conn, key_id, requests=requests, characters=characters, quota=quota)

    def refund(self, key_id: str, day: str, *, requests: int = 1, characters: int = 0) -> None:
        """Take back what :meth:`record` added on ``day`` for a request that was refused or failed
        (never below zero: a day's counts are never negative)."""
        with self._connect(write=True) as conn:
            conn.execute(text(
                "UPDATE api_key_usage SET requests = CASE WHEN requests > :r THEN requests - :r ELSE 0 END, "
                "characters = CASE WHEN characters > :c THEN characters - :c ELSE 0 END "
                "WHERE key_id = :k AND day = :d"), {"k": key_id, "d": day, "r": requests, "c": characters})


def key_quota(conn: Connection, key_id: str, default: int) -> int:
    """The key's characters per day (its own quota, else ``default``); 0 means unlimited."""
    row = conn.execute(text("SELECT char_quota FROM api_keys WHERE id = :k"), {"k": key_id}).first()
    return default if row is None or row[0] is None else int(row[0])


def add_usage(conn: Connection, key_id: str, *, requests: int = 1, characters: int = 0, quota: int = 0) -> Usage:
    """:meth:`KeyStore.record` on an open write transaction, so a caller charges together with its own writes
    (a background job charges each article in the transaction that records it)."""
    day = today()
    params = {"k": key_id, "d": day, "r": requests, "c": characters, "q": quota if characters else 0}
    conn.execute(text("INSERT INTO api_key_usage (key_id, day, requests, characters) "
                      "VALUES (:k, :d, 0, 0) ON CONFLICT (key_id, day) DO NOTHING"), params)
    added = conn.execute(text(
        "UPDATE api_key_usage SET requests = requests + :r, characters = characters + :c "
        "WHERE key_id = :k AND day = :d AND (:q = 0 OR characters + :c <= :q)"), params).rowcount
    row = conn.execute(text("SELECT requests, characters FROM api_key_usage WHERE key_id = :k AND day = :d"),
                       params).one()
    if not added:
        raise quota_exceeded(characters, row[1], quota)
    return Usage(key_id, day, row[0], row[1])


def quota_exceeded(characters: int, used: int, quota: int) -> QuotaExceededError:
    """The refusal of a request of ``characters`` when ``used`` of ``quota`` are gone today."""
    return QuotaExceededError(f"this request has {characters} characters; the key has used {used} of "
                              f"its {quota} characters today (UTC)", retry_after=_seconds_to_midnight())


def _seconds_to_midnight() -> int:
    now = datetime.now(UTC)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, 86400 - int((now - midnight).total_seconds()))
