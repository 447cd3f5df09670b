"""The desk's database (memories, stored briefs): the store's engine, migrated on first use.

Goes through :mod:`service.storage.db` like the glossary store and the keys, so ``store_url`` picks
SQLite (default) or PostgreSQL. Writers take the ``memories`` lock (SQLite: BEGIN IMMEDIATE;
PostgreSQL: an advisory transaction lock), so a read-modify-write (a brief edit and the memory
unit it teaches, a unit replacing an older one) never loses a concurrent write from another
worker or host.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine

from service.memory import schema
from service.storage.db import MigratedEngine, applied_migrations, normalise_url, sqlite_path, transaction

WRITE_LOCK = "memories"


def now() -> str:
    """The current UTC time as ISO-8601 text."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def name_key(owner: str | None, name: str) -> str:
    """The unique key of memory ``name`` in ``owner``'s scope (None: shared), as glossaries key theirs."""
    return name.casefold() if owner is None else f"{owner}/{name.casefold()}"


class MemoryDatabase:
    """The memory and stored-brief tables at a store URL or SQLite path; opened lazily."""

    def __init__(self, path_or_url: Path | str, *, pool_size: int = 5) -> None:
        self.url = normalise_url(path_or_url)
        self.path = sqlite_path(self.url)
        self._database = MigratedEngine(self.url, schema.MIGRATIONS_TABLE, schema.MIGRATIONS,
                                        label="translation-memory store", pool_size=pool_size)

    @property
    def engine(self) -> Engine:
        """The engine, with this component's migrations applied."""
        return self._database.get()

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator[Connection]:
        """One transaction: everything inside commits together or not at all."""
        with transaction(self.engine, write=write, lock=WRITE_LOCK) as conn:
            yield conn

    def schema_version(self) -> int:
        """How many of this component's migrations the store has."""
        with self.transaction() as conn:
            return applied_migrations(conn, schema.MIGRATIONS_TABLE)

    def close(self) -> None:
        """Release the pooled connections; the next call reopens them."""
        self._database.close()
