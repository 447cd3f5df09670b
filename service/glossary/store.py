"""Named glossaries in one SQLite file: migrations, transactions, thread-safe access.

All SQL lives in this class (and :mod:`service.glossary.store_schema`), written to be
portable to PostgreSQL: text ids (uuid4 hex), no AUTOINCREMENT, no ON CONFLICT,
ISO-8601 UTC timestamps as text; only the ``?`` placeholders and the PRAGMAs are SQLite's.
Rows are read by column name. The interface is :class:`~service.glossary.store_api.GlossaryStoreProtocol`;
what does not touch the database comes from :class:`~service.glossary.store_api.GlossaryStoreBase`.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from service.errors import BadInputError, ConflictError, GlossaryNotFoundError, NotFoundError
from service.glossary.model import Glossary, GlossaryEntry, GlossaryInfo
from service.glossary.store_api import INLINE_NAME, GlossaryStoreBase, GlossaryStoreProtocol
from service.glossary.store_schema import DEFAULT_NAME, MIGRATIONS, insert_entries, next_version, now, refresh_default
from service.glossary.validation import check_description, check_entries, validate_name
from service.languages import validate_lang

__all__ = ["GlossaryStore", "GlossaryInfo", "DEFAULT_NAME", "INLINE_NAME", "validate_name"]

_GLOSSARY_COLUMNS = "id, name, description, source_lang, version, created_at, updated_at"


@contextmanager
def _atomic(conn: sqlite3.Connection, *, write: bool = False) -> Iterator[sqlite3.Connection]:
    """One transaction on ``conn``: everything inside commits together or not at all.

    A writer takes the write lock at BEGIN (IMMEDIATE), so two writers queue on busy_timeout
    instead of failing when a read lock would have to be upgraded.
    """
    conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class GlossaryStore(GlossaryStoreBase):
    """Glossaries on SQLite; the file (and its folder) is created on first use, not at construction."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self._cache: dict[str, Glossary] = {}

    # -- connection and transactions ------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            if str(self.path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            try:
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA busy_timeout = 30000")
                conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints, never corrupt
                self._migrate(conn)
                with _atomic(conn, write=True):  # an upgraded service brings its newer default glossary
                    refresh_default(conn)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        """Apply the migrations this store lacks, each in its own transaction."""
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        for number, migration in enumerate(MIGRATIONS, 1):
            with _atomic(conn, write=True):
                if _applied(conn) < number:
                    migration(conn)
                    conn.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))

    @contextmanager
    def _transaction(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A transaction on this store's connection, one thread at a time."""
        with self._lock, _atomic(self._connection(), write=write) as conn:
            yield conn

    def schema_version(self) -> int:
        """The number of migrations applied to this store."""
        with self._transaction() as conn:
            return _applied(conn)

    def close(self) -> None:
        """Close the connection; the next call reopens it."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._cache.clear()

    # -- reading --------------------------------------------------------------------------------

    def list_glossaries(self) -> list[GlossaryInfo]:
        """Every stored glossary, by name, with entry counts and languages."""
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT g.id, g.name, g.version, g.updated_at, g.description, g.source_lang, "
                "COUNT(e.id) AS entry_count "
                "FROM glossaries g LEFT JOIN glossary_entries e ON e.glossary_id = g.id "
                "GROUP BY g.id, g.name, g.version, g.updated_at, g.description, g.source_lang, g.name_key "
                "ORDER BY g.name_key").fetchall()
            langs: dict[str, list[str]] = {}
            for row in conn.execute(
                    "SELECT DISTINCT e.glossary_id, r.lang FROM glossary_renderings r "
                    "JOIN glossary_entries e ON e.id = r.entry_id ORDER BY r.lang"):
                langs.setdefault(row["glossary_id"], []).append(row["lang"])
        return [GlossaryInfo(name=row["name"], id=row["id"], entry_count=row["entry_count"],
                             languages=tuple(langs.get(row["id"], ())), version=row["version"],
                             updated_at=row["updated_at"], description=row["description"],
                             source_lang=row["source_lang"])
                for row in rows]

    def get(self, name_or_id: str) -> Glossary:
        """The glossary with this name (case-insensitive) or id; GlossaryNotFoundError otherwise."""
        if not isinstance(name_or_id, str) or not name_or_id.strip():
            raise BadInputError("a glossary name must not be empty")
        with self._transaction() as conn:
            row = self._row(conn, name_or_id)
            cached = self._cache.get(row["id"])
            if cached is not None and cached.version == row["version"]:
                return cached
            glossary = self._load(conn, row)
            self._cache[glossary.id] = glossary
            return glossary

    @staticmethod
    def _row(conn: sqlite3.Connection, name_or_id: str) -> sqlite3.Row:
        row = conn.execute(f"SELECT {_GLOSSARY_COLUMNS} FROM glossaries WHERE name_key = ? OR id = ?",
                           (name_or_id.casefold(), name_or_id)).fetchone()
        if row is None:
            raise GlossaryNotFoundError(f"no glossary named {name_or_id!r}", glossary=name_or_id)
        return row

    @staticmethod
    def _load(conn: sqlite3.Connection, row: sqlite3.Row) -> Glossary:
        renderings: dict[str, dict[str, str]] = {}
        for r in conn.execute(
                "SELECT r.entry_id, r.lang, r.text FROM glossary_renderings r "
                "JOIN glossary_entries e ON e.id = r.entry_id WHERE e.glossary_id = ? ORDER BY r.lang",
                (row["id"],)):
            renderings.setdefault(r["entry_id"], {})[r["lang"]] = r["text"]
        entries = tuple(
            GlossaryEntry(source=e["source"], renderings=renderings.get(e["id"], {}), type=e["entry_type"],
                          aliases=tuple(json.loads(e["aliases"])), notes=e["notes"],
                          case_sensitive=bool(e["case_sensitive"]), source_ref=e["source_ref"],
                          variants={k: tuple(v) for k, v in json.loads(e["variants"]).items()})
            for e in conn.execute(
                "SELECT id, source, aliases, entry_type, notes, case_sensitive, source_ref, variants "
                "FROM glossary_entries WHERE glossary_id = ? ORDER BY position", (row["id"],)))
        return Glossary(name=row["name"], entries=entries, id=row["id"], source_lang=row["source_lang"],
                        description=row["description"], version=row["version"], created_at=row["created_at"],
                        updated_at=row["updated_at"])

    # -- writing --------------------------------------------------------------------------------

    def create(self, name: str, entries: Sequence[GlossaryEntry], *, description: str = "",
               source_lang: str = "en", replace: bool = False) -> Glossary:
        """A new glossary (ConflictError if the name exists, unless ``replace``: then id kept, version+1)."""
        validate_name(name)
        if name.casefold() == INLINE_NAME:
            raise BadInputError(f"{INLINE_NAME!r} is reserved for a request's own entries")
        entries = check_entries(entries)
        description = check_description(description)
        source_lang = validate_lang(source_lang)
        with self._transaction(write=True) as conn:
            existing = conn.execute("SELECT id FROM glossaries WHERE name_key = ?", (name.casefold(),)).fetchone()
            if existing and not replace:
                raise ConflictError(f"glossary {name!r} already exists (use replace to overwrite it)",
                                    glossary=name)
            gid = existing["id"] if existing else uuid.uuid4().hex
            stamp = now()
            version = next_version(conn, name)
            if existing:
                conn.execute("DELETE FROM glossary_entries WHERE glossary_id = ?", (gid,))
                conn.execute("UPDATE glossaries SET name = ?, description = ?, source_lang = ?, version = ?, "
                             "updated_at = ? WHERE id = ?", (name, description, source_lang, version, stamp, gid))
            else:
                conn.execute("INSERT INTO glossaries (id, name, name_key, description, source_lang, version, "
                             "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (gid, name, name.casefold(), description, source_lang, version, stamp, stamp))
            insert_entries(conn, gid, entries)
            return self._load(conn, self._row(conn, gid))

    def add_entries(self, name: str, entries: Sequence[GlossaryEntry]) -> Glossary:
        """Add entries, replacing any with the same source (case-insensitive) in place."""
        entries = check_entries(entries)
        with self._transaction(write=True) as conn:
            row = self._row(conn, name)
            current = self._load(conn, row).entries
            incoming = {e.source.casefold(): e for e in entries}
            merged = [incoming.pop(e.source.casefold(), e) for e in current] + list(incoming.values())
            check_entries(merged)
            conn.execute("DELETE FROM glossary_entries WHERE glossary_id = ?", (row["id"],))
            insert_entries(conn, row["id"], merged)
            return self._bump(conn, row)

    def delete_entries(self, name: str, sources: Sequence[str]) -> Glossary:
        """Remove the entries with these sources (case-insensitive); NotFoundError if one is missing."""
        if isinstance(sources, str):
            raise TypeError("sources must be a sequence of source terms, not a string")
        with self._transaction(write=True) as conn:
            row = self._row(conn, name)
            for source in sources:
                gone = conn.execute("DELETE FROM glossary_entries WHERE glossary_id = ? AND source_key = ?",
                                    (row["id"], source.casefold())).rowcount
                if not gone:
                    raise NotFoundError(f"glossary {row['name']!r} has no entry {source!r}", source=source)
            return self._bump(conn, row)

    def delete(self, name: str) -> None:
        """Delete a glossary and its entries. The default glossary can only be reset."""
        with self._transaction(write=True) as conn:
            row = self._row(conn, name)
            if row["name"] == DEFAULT_NAME:
                raise BadInputError("the default glossary cannot be deleted; to put back its shipped entries, "
                                    "run `python -m service glossary reset-default`")
            conn.execute("DELETE FROM glossaries WHERE id = ?", (row["id"],))
            self._cache.pop(row["id"], None)

    def _bump(self, conn: sqlite3.Connection, row: sqlite3.Row) -> Glossary:
        conn.execute("UPDATE glossaries SET version = ?, updated_at = ? WHERE id = ?",
                     (next_version(conn, row["name"]), now(), row["id"]))
        return self._load(conn, self._row(conn, row["id"]))


def _applied(conn: sqlite3.Connection) -> int:
    """How many migrations the store's schema_version table records."""
    row = conn.execute("SELECT MAX(version) AS version FROM schema_version").fetchone()
    return int(row["version"] or 0)


if TYPE_CHECKING:
    _: GlossaryStoreProtocol = GlossaryStore(":memory:")  # mypy checks that the class meets the interface
