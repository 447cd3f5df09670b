"""The service's database: one SQLAlchemy engine per store URL, transactions and versioned migrations.

``store_url`` picks the backend: ``sqlite:///path`` (the embedded default, derived from
``store_path`` when ``store_url`` is empty) or ``postgresql://user@host/db``. Stores write
portable SQL through SQLAlchemy Core (``text()`` with named parameters), so one copy of every
query serves both backends. Migrations are a small versioned-migrations table per component,
run through SQLAlchemy rather than Alembic: the SQLite files already in use record their
history that way (``schema_version``, ``api_key_schema``), several of their migrations are
Python data steps (seeding the default glossary), and a per-component counter lets each store
migrate itself on first use without a separate deployment step or an extra dependency.
"""
from __future__ import annotations

import logging
import os
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import StaticPool

from service.errors import StoreUnavailableError

Migration = Callable[[Connection], None]
log = logging.getLogger(__name__)

__all__ = ["MigratedEngine", "Migration", "StoreUnavailableError", "applied_migrations", "is_sqlite",
           "make_engine", "normalise_url", "run_migrations", "transaction"]


def normalise_url(url_or_path: str | Path) -> str:
    """A SQLAlchemy URL: plain paths become ``sqlite:///path``; ``postgresql://`` uses psycopg 3."""
    raw = str(url_or_path)
    if raw == ":memory:":
        return "sqlite://"
    if "://" not in raw:
        return f"sqlite:///{raw}"
    if raw.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    return raw


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL (None for in-memory or other backends)."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


# Every engine of this process by store URL, so that an outage drops the connections of them all.
_ENGINES: dict[str, weakref.WeakSet[Engine]] = {}


def make_engine(url_or_path: str | Path, *, pool_size: int = 5, timeout_s: float = 30.0) -> Engine:
    """An engine for this URL; SQLite gets WAL, a busy timeout, foreign keys and BEGIN IMMEDIATE writers."""
    engine = _new_engine(url_or_path, pool_size=pool_size, timeout_s=timeout_s)
    _note_writes(engine)
    _ENGINES.setdefault(str(engine.url), weakref.WeakSet()).add(engine)
    return engine


def _new_engine(url_or_path: str | Path, *, pool_size: int, timeout_s: float) -> Engine:
    url = normalise_url(url_or_path)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {"connect_args": {"timeout": timeout_s, "check_same_thread": False}}
        if path is None:
            kwargs["poolclass"] = StaticPool  # one shared in-memory database
        engine = create_engine(url, **kwargs)
        _sqlite_events(engine, timeout_s)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True,
                             pool_timeout=timeout_s, connect_args={"connect_timeout": max(1, int(timeout_s))})
    raise ValueError(f"unsupported store_url {parsed.render_as_string(hide_password=True)!r}: "
                     "use sqlite:///path or postgresql://user@host/db")


def _sqlite_events(engine: Engine, timeout_s: float) -> None:
    """SQLAlchemy's recipe: let SQLAlchemy, not pysqlite, emit BEGIN (IMMEDIATE for writers)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] not in ("memory", "wal"):  # a read-only file reads
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints, never corrupt
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A writer takes the write lock at BEGIN, so two writers queue on busy_timeout instead of
        # failing when a read lock would have to be upgraded.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


WROTE = "briefs_wrote"  # in a connection's info: its transaction changed a row (ends a read-only outage)
_WRITES = ("INSERT", "UPDATE", "DELETE")


def _note_writes(engine: Engine) -> None:
    """Mark a connection whose statement changed rows: only such a write proves a read-only store writable
    again (SQLite lets a write transaction that changes nothing, or a CREATE TABLE IF NOT EXISTS, pass)."""

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:
        if statement.lstrip()[:6].upper() in _WRITES and getattr(cursor, "rowcount", 0) != 0:
            conn.info[WROTE] = True


def is_sqlite(engine: Engine) -> bool:
    """Whether this engine is the embedded SQLite backend."""
    return engine.dialect.name == "sqlite"


@contextmanager
def transaction(engine: Engine, *, write: bool = False, lock: str = "", snapshot: bool = False
                ) -> Iterator[Connection]:
    """One transaction: everything inside commits together or not at all.

    ``write`` with a ``lock`` name serialises writers of one component: SQLite's BEGIN IMMEDIATE
    does that for the whole file; on PostgreSQL a transaction-scoped advisory lock does it, so a
    read-modify-write (next version, merged entries) never loses a concurrent update.
    ``snapshot``: every statement reads the same committed state (a row and its children are one
    version): SQLite's read transactions do; PostgreSQL's default (READ COMMITTED) takes a fresh
    snapshot per statement, so such a transaction runs at REPEATABLE READ there.
    A database that cannot be reached, is read-only or full raises StoreUnavailableError (503), never a
    raw driver error; the idle connections are then dropped, so the store heals by itself when the fault
    ends, and each outage is logged once as it starts and once as it ends (:class:`StoreHealth`).
    """
    wrote = False
    try:
        with engine.connect() as conn:
            if write:
                conn = conn.execution_options(write=True)
            with conn.begin():
                if snapshot and not is_sqlite(engine):
                    conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
                if write and lock and not is_sqlite(engine):
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(lock)})
                conn.info.pop(WROTE, None)
                yield conn
                wrote = bool(conn.info.pop(WROTE, False))
    except (OperationalError, DBAPIError) as exc:
        outage = _outage(exc)
        if outage is None:
            raise
        kind, message, retry_after = outage
        STORE_HEALTH.failed(engine, kind)
        # Connections opened during the outage keep it (SQLite opens a read-only file read-only for good, a
        # PostgreSQL session keeps a read-only default): drop the idle ones, so the next call opens afresh.
        _reopen(engine)
        raise StoreUnavailableError(message, retry_after=retry_after) from exc
    STORE_HEALTH.succeeded(engine, wrote=wrote)


def _lock_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def _read_only(exc: DBAPIError) -> bool:
    """A write refused because the database is read-only (SQLite file or URL mode, PostgreSQL 25006)."""
    message = str(exc.orig).lower()
    return "readonly database" in message or getattr(exc.orig, "sqlstate", None) == "25006"


def _full(exc: DBAPIError) -> bool:
    """A write refused for want of space (SQLite's "database or disk is full", PostgreSQL 53100)."""
    message = str(exc.orig).lower()
    return "disk is full" in message or getattr(exc.orig, "sqlstate", None) == "53100"


def _outage(exc: DBAPIError) -> tuple[str, str, int] | None:
    """(kind, message, Retry-After) when ``exc`` means the store cannot serve now; None for a real error."""
    if _read_only(exc):  # an operator's doing; retrying soon will not help, so a longer Retry-After
        return ("read-only", "the store database is read-only: reads work, changes are refused until it is "
                "writable again", 60)
    if _full(exc):
        return ("full", "the store's disk is full: reads work, changes are refused until there is space again", 30)
    if _unreachable(exc):
        return "unreachable", "the store database cannot be reached; retry shortly", 5
    return None


def _reopen(engine: Engine) -> None:
    """Close the idle connections of every engine on this store (checked-out ones close when returned).

    Every engine, not only this one: SQLite shares one WAL index per file among all connections of a
    process, so one connection opened while the file was read-only keeps them all read-only. An
    in-memory database, which lives in its one connection, is kept.
    """
    for same in list(_ENGINES.get(str(engine.url), ())):
        if not isinstance(same.pool, StaticPool):
            same.dispose(close=True)


class StoreHealth:
    """Outages of each store as this process saw them: logged once when one starts and once when it ends.

    A read-only or full store still reads, so only a write that changes rows ends those; any successful
    transaction ends an outage of reachability.
    """

    WRITE_OUTAGES = ("read-only", "full")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down: dict[tuple[str, str], float] = {}  # (store, kind) -> when it started (monotonic)

    @staticmethod
    def _name(engine: Engine) -> str:
        return engine.url.render_as_string(hide_password=True)

    def failed(self, engine: Engine, kind: str) -> None:
        """Record a failure of ``kind``; the first of an outage is logged."""
        key = (self._name(engine), kind)
        with self._lock:
            if key in self._down:
                return
            self._down[key] = time.monotonic()
        # Each process logs its own view (workers of one server share a log): the process id tells them apart.
        log.warning("store %s is %s (process %d): requests that need it answer 503 with Retry-After until it "
                    "recovers; this is logged again when it does", key[0], kind, os.getpid())

    def succeeded(self, engine: Engine, *, wrote: bool) -> None:
        """Record a successful transaction (``wrote``: it changed rows); the end of each outage it proves
        over is logged."""
        if not self._down:  # the common case costs one dict check
            return
        name = self._name(engine)
        ended = []
        with self._lock:
            for (store, kind), started in list(self._down.items()):
                if store == name and (wrote or kind not in self.WRITE_OUTAGES):
                    ended.append((kind, time.monotonic() - started))
                    del self._down[(store, kind)]
        for kind, lasted in ended:
            log.warning("store %s is no longer %s (process %d, after %.1f s)", name, kind, os.getpid(), lasted)

    def outages(self) -> list[tuple[str, str]]:
        """(store, kind) of every outage not over yet."""
        with self._lock:
            return sorted(self._down)


STORE_HEALTH = StoreHealth()


def _unreachable(exc: DBAPIError) -> bool:
    """Connection-level failures (server down, connection lost), as opposed to bad SQL or constraints."""
    if exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError):
        message = str(exc.orig).lower()
        return not any(word in message for word in ("no such table", "syntax error", "no such column"))
    return False


_migration_lock = threading.Lock()


def applied_migrations(conn: Connection, table: str) -> int:
    """How many migrations ``table`` records (0 when it is empty)."""
    row = conn.execute(text(f"SELECT MAX(version) AS version FROM {table}")).mappings().one()
    return int(row["version"] or 0)


def run_migrations(engine: Engine, table: str, migrations: Sequence[Migration], *, newest_known: int | None = None,
                   label: str = "store") -> int:
    """Apply the migrations ``table`` lacks, each in its own transaction; returns the version reached.

    Writers are serialised (BEGIN IMMEDIATE / an advisory lock), so several workers or hosts
    starting at once apply each migration exactly once. A store newer than ``newest_known``
    (default: len(migrations)) is refused rather than guessed at.
    """
    newest = len(migrations) if newest_known is None else newest_known
    with _migration_lock:
        with transaction(engine, write=True, lock=f"migrate:{table}") as conn:
            conn.execute(text(f"CREATE TABLE IF NOT EXISTS {table} (version INTEGER NOT NULL)"))
        for number, migration in enumerate(migrations, 1):
            with transaction(engine, write=True, lock=f"migrate:{table}") as conn:
                done = applied_migrations(conn, table)
                if done > newest:
                    raise RuntimeError(f"{label}: schema {done} in {table} is newer than this service "
                                       f"({newest}); upgrade the service")
                if done < number:
                    migration(conn)
                    conn.execute(text(f"INSERT INTO {table} (version) VALUES (:v)"), {"v": number})
        with transaction(engine) as conn:
            done = applied_migrations(conn, table)
    if done > newest:
        raise RuntimeError(f"{label}: schema {done} in {table} is newer than this service ({newest}); "
                           "upgrade the service")
    return done


class MigratedEngine:
    """One component's engine at a store URL: made and migrated on first use, once per process.

    Every store (glossaries, keys, memories, caches, document jobs) opens its tables this way, so
    nothing touches the database at import or construction. A failed migration disposes of the
    engine (the next call tries again); ``after_migrations`` runs once, in the same guarded step.
    """

    def __init__(self, url: str, table: str, migrations: Sequence[Migration], *, label: str,
                 pool_size: int = 5, newest_known: int | None = None,
                 after_migrations: Callable[[Engine], None] | None = None) -> None:
        self.url, self.table, self.migrations, self.label = url, table, migrations, label
        self.pool_size, self.newest_known, self.after_migrations = pool_size, newest_known, after_migrations
        self.current: Engine | None = None  # None until first use, and again after close()
        self._lock = threading.Lock()

    def get(self) -> Engine:
        """The engine, migrated; made on the first call."""
        if self.current is None:
            with self._lock:
                if self.current is None:
                    engine = make_engine(self.url, pool_size=self.pool_size)
                    try:
                        run_migrations(engine, self.table, self.migrations, newest_known=self.newest_known,
                                       label=self.label)
                        if self.after_migrations is not None:
                            self.after_migrations(engine)
                    except BaseException:
                        engine.dispose()
                        raise
                    self.current = engine
        return self.current

    def close(self) -> None:
        """Release the pooled connections; the next call reopens (without migrating again: they are applied)."""
        with self._lock:
            if self.current is not None:
                self.current.dispose()
                self.current = None
