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

import threading
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


def make_engine(url_or_path: str | Path, *, pool_size: int = 5, timeout_s: float = 30.0) -> Engine:
    """An engine for this URL; SQLite gets WAL, a busy timeout, foreign keys and BEGIN IMMEDIATE writers."""
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
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints, never corrupt
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A writer takes the write lock at BEGIN, so two writers queue on busy_timeout instead of
        # failing when a read lock would have to be upgraded.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def is_sqlite(engine: Engine) -> bool:
    """Whether this engine is the embedded SQLite backend."""
    return engine.dialect.name == "sqlite"


@contextmanager
def transaction(engine: Engine, *, write: bool = False, lock: str = "") -> Iterator[Connection]:
    """One transaction: everything inside commits together or not at all.

    ``write`` with a ``lock`` name serialises writers of one component: SQLite's BEGIN IMMEDIATE
    does that for the whole file; on PostgreSQL a transaction-scoped advisory lock does it, so a
    read-modify-write (next version, merged entries) never loses a concurrent update.
    A database that cannot be reached raises StoreUnavailableError (503), never a raw driver error.
    """
    try:
        with engine.connect() as conn:
            if write:
                conn = conn.execution_options(write=True)
            with conn.begin():
                if write and lock and not is_sqlite(engine):
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(lock)})
                yield conn
    except (OperationalError, DBAPIError) as exc:
        if _read_only(exc):  # an operator's doing; retrying soon will not help, so a longer Retry-After
            raise StoreUnavailableError("the store database is read-only: reads work, changes are refused "
                                        "until it is writable again", retry_after=60) from exc
        if _unreachable(exc):
            raise StoreUnavailableError("the store database cannot be reached; retry shortly",
                                        retry_after=5) from exc
        raise


def _lock_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def _read_only(exc: DBAPIError) -> bool:
    """A write refused because the database is read-only (SQLite file or URL mode, PostgreSQL 25006)."""
    message = str(exc.orig).lower()
    return "readonly database" in message or getattr(exc.orig, "sqlstate", None) == "25006"


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
