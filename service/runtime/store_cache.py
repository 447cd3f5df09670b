"""The store cache: text values by key in one table of the store, bounded, least recently used
dropped first.

Two tables use it: the translation cache (``service.runtime.translation_cache``) and the summary
cache (``service.runtime.summary_cache``). Each caller passes an observer for hits and misses
(the HTTP app counts them in ``/metrics``); nothing here knows about Flask.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, text

from service.errors import StoreUnavailableError
from service.storage.db import MigratedEngine, Migration, normalise_url, transaction

# Pruning counts rows, so it runs once per this share of the bound of new entries.
PRUNE_EVERY_SHARE = 0.05
LOOKUP_CHUNK = 500  # keys per SELECT ... IN (SQLite allows 999 parameters by default)

CacheObserver = Callable[[int, int], None]  # (hits, misses) of one call


def cache_key(identity: str, text_in: str) -> str:
    """The entry key: sha256 over the identity and the exact engine input."""
    return hashlib.sha256(json.dumps([identity, text_in], ensure_ascii=False).encode("utf-8")).hexdigest()


class StoreCache:
    """Text values by key in one table of the store at a URL or SQLite path, opened (and migrated)
    on first use; at most ``max_entries``, the least recently used dropped first.

    Subclasses name the table, its value column and what the cache is called in errors; each
    table has its own schema version (``<table>_schema``) and write lock. A subclass may keep more
    per entry: ``extra_columns`` (nullable, added by its own further ``migrations``).
    """

    table: str  # set by each subclass, as are the two below
    value_column: str
    label: str
    extra_columns: tuple[str, ...] = ()

    def __init__(self, path_or_url: Path | str, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError(f"cache_max_entries must be at least 1, got {max_entries}")
        self.url = normalise_url(path_or_url)
        self.max_entries = max_entries
        self._database = MigratedEngine(self.url, f"{self.table}_schema", self.migrations(), label=self.label)
        self._lock = threading.Lock()  # the hit and miss totals
        self._added_since_prune = 0
        self.hits = 0
        self.misses = 0

    def migrations(self) -> list[Migration]:
        """The table's migrations, oldest first (a subclass appends its own)."""
        return [self._create]

    def _create(self, conn: Connection) -> None:
        conn.execute(text(f"CREATE TABLE {self.table} (key VARCHAR(64) PRIMARY KEY, {self.value_column} TEXT "
                          "NOT NULL, used_at DOUBLE PRECISION NOT NULL)"))
        conn.execute(text(f"CREATE INDEX {self.table}_used_at ON {self.table} (used_at)"))

    def _ready(self) -> Engine:
        return self._database.get()

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """The cached values of those ``keys`` that have one; marks them used."""
        return {key: row[self.value_column] for key, row in self.get_rows(keys).items()}

    def get_rows(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The value and extra columns of those ``keys`` that have an entry, by column name; marks them used.
        A store that cannot serve (down, read-only, full: it logs that once) is a miss: the cache never fails
        a request."""
        try:
            return self._get_rows(keys)
        except StoreUnavailableError:
            return {}

    def _get_rows(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        unique = list(dict.fromkeys(keys))
        if not unique:
            return found
        table, columns = self.table, ", ".join((self.value_column, *self.extra_columns))
        select = text(f"SELECT key, {columns} FROM {table} WHERE key IN :keys").bindparams(
            bindparam("keys", expanding=True))
        touch = text(f"UPDATE {table} SET used_at = :now WHERE key IN :keys").bindparams(
            bindparam("keys", expanding=True))
        with transaction(self._ready(), write=True, lock=self.table) as conn:
            for start in range(0, len(unique), LOOKUP_CHUNK):
                chunk = unique[start:start + LOOKUP_CHUNK]
                found.update((row.key, {k: v for k, v in row._mapping.items() if k != "key"})
                             for row in conn.execute(select, {"keys": chunk}))
            hit_keys = list(found)
            for start in range(0, len(hit_keys), LOOKUP_CHUNK):
                conn.execute(touch, {"now": time.time(), "keys": hit_keys[start:start + LOOKUP_CHUNK]})
        return found

    def put_many(self, entries: dict[str, str]) -> None:
        """Store ``entries`` (key -> value), then drop the least recently used beyond the bound."""
        self.put_rows({key: {self.value_column: value} for key, value in entries.items()})

    def put_rows(self, rows: Mapping[str, Mapping[str, Any]]) -> None:
        """Store entries (key -> value and extra columns by name; a missing extra is NULL), then drop the
        least recently used beyond the bound; nothing when the store cannot take them now (only a cache)."""
        try:
            self._put_rows(rows)
        except StoreUnavailableError:
            return

    def _put_rows(self, rows: Mapping[str, Mapping[str, Any]]) -> None:
        if not rows:
            return
        table, columns = self.table, (self.value_column, *self.extra_columns)
        names = ", ".join(columns)
        marks = ", ".join(f":c{n}" for n in range(len(columns)))
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
        upsert = text(f"INSERT INTO {table} (key, {names}, used_at) VALUES (:key, {marks}, :now) "
                      f"ON CONFLICT (key) DO UPDATE SET {updates}, used_at = excluded.used_at")
        now = time.time()
        with transaction(self._ready(), write=True, lock=self.table) as conn:
            conn.execute(upsert, [{"key": key, "now": now, **{f"c{n}": row.get(c) for n, c in enumerate(columns)}}
                                  for key, row in rows.items()])
            self._added_since_prune += len(rows)
            if self._added_since_prune >= max(1, int(self.max_entries * PRUNE_EVERY_SHARE)):
                self._prune(conn)
                self._added_since_prune = 0

    def _prune(self, conn: Connection) -> None:
        count = conn.execute(text(f"SELECT COUNT(*) FROM {self.table}")).scalar_one()
        excess = int(count) - self.max_entries
        if excess > 0:
            conn.execute(text(f"DELETE FROM {self.table} WHERE key IN (SELECT key FROM {self.table} "
                              "ORDER BY used_at, key LIMIT :n)"), {"n": excess})

    def count(self, hits: int, misses: int) -> None:
        """Add one call's hits and misses to this process's totals."""
        with self._lock:
            self.hits += hits
            self.misses += misses

    def entries(self) -> int:
        """How many values are cached."""
        with transaction(self._ready()) as conn:
            return int(conn.execute(text(f"SELECT COUNT(*) FROM {self.table}")).scalar_one())

    def close(self) -> None:
        """Release the database connections."""
        self._database.close()
