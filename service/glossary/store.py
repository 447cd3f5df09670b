"""Named glossaries in one SQLite file: migrations, transactions, thread-safe access.

All SQL lives in this class (and :mod:`service.glossary.store_schema`), written to be
portable to PostgreSQL: text ids (uuid4 hex), no AUTOINCREMENT, no ON CONFLICT,
ISO-8601 UTC timestamps as text; only the ``?`` placeholders and the PRAGMAs are SQLite's.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from service.errors import BadInputError, ConflictError, GlossaryNotFoundError, NotFoundError
from service.glossary.formats import check_format, format_from_path, parse_glossary, serialise_glossary
from service.glossary.model import ActiveGlossary, Glossary, GlossaryEntry, GlossaryInfo
from service.glossary.store_schema import (
    DEFAULT_DESCRIPTION,
    DEFAULT_NAME,
    MIGRATIONS,
    insert_entries,
    load_default_entries,
    next_version,
    now,
    refresh_default,
)
from service.glossary.validation import check_description, check_entries, validate_name
from service.languages import validate_lang

INLINE_NAME = "inline"

__all__ = ["GlossaryStore", "GlossaryInfo", "DEFAULT_NAME", "INLINE_NAME", "validate_name"]


class GlossaryStore:
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
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints, never corrupt
            self._migrate(conn)
            self._refresh_default(conn)
            self._conn = conn
        return self._conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        for number, migration in enumerate(MIGRATIONS, 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
                if (row[0] or 0) < number:
                    migration(conn)
                    conn.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    @staticmethod
    def _refresh_default(conn: sqlite3.Connection) -> None:
        """An upgraded service brings its newer default glossary into an existing store."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            refresh_default(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _transaction(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """One transaction: everything inside commits together or not at all."""
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def schema_version(self) -> int:
        """The number of migrations applied to this store."""
        with self._transaction() as conn:
            return int(conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0)

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
                "SELECT g.id, g.name, g.version, g.updated_at, g.description, g.source_lang, COUNT(e.id) "
                "FROM glossaries g LEFT JOIN glossary_entries e ON e.glossary_id = g.id "
                "GROUP BY g.id, g.name, g.version, g.updated_at, g.description, g.source_lang, g.name_key "
                "ORDER BY g.name_key").fetchall()
            langs: dict[str, list[str]] = {}
            for gid, lang in conn.execute(
                    "SELECT DISTINCT e.glossary_id, r.lang FROM glossary_renderings r "
                    "JOIN glossary_entries e ON e.id = r.entry_id ORDER BY r.lang"):
                langs.setdefault(gid, []).append(lang)
        return [GlossaryInfo(name=name, id=gid, entry_count=count, languages=tuple(langs.get(gid, ())),
                             version=version, updated_at=updated, description=desc, source_lang=src)
                for gid, name, version, updated, desc, src, count in rows]

    def get(self, name_or_id: str) -> Glossary:
        """The glossary with this name (case-insensitive) or id; GlossaryNotFoundError otherwise."""
        if not isinstance(name_or_id, str) or not name_or_id.strip():
            raise BadInputError("a glossary name must not be empty")
        with self._transaction() as conn:
            row = self._row(conn, name_or_id)
            cached = self._cache.get(row[0])
            if cached is not None and cached.version == row[4]:
                return cached
            glossary = self._load(conn, row)
            self._cache[glossary.id] = glossary
            return glossary

    def _row(self, conn: sqlite3.Connection, name_or_id: str) -> tuple:
        row = conn.execute(
            "SELECT id, name, description, source_lang, version, created_at, updated_at FROM glossaries "
            "WHERE name_key = ? OR id = ?", (name_or_id.casefold(), name_or_id)).fetchone()
        if row is None:
            raise GlossaryNotFoundError(f"no glossary named {name_or_id!r}", glossary=name_or_id)
        return row

    def _load(self, conn: sqlite3.Connection, row: tuple) -> Glossary:
        gid, name, description, source_lang, version, created, updated = row
        renderings: dict[str, dict[str, str]] = {}
        for entry_id, lang, text in conn.execute(
                "SELECT r.entry_id, r.lang, r.text FROM glossary_renderings r "
                "JOIN glossary_entries e ON e.id = r.entry_id WHERE e.glossary_id = ? ORDER BY r.lang", (gid,)):
            renderings.setdefault(entry_id, {})[lang] = text
        entries = tuple(
            GlossaryEntry(source=source, renderings=renderings.get(eid, {}), type=kind,
                          aliases=tuple(json.loads(aliases)), notes=notes, case_sensitive=bool(case),
                          source_ref=ref, variants={k: tuple(v) for k, v in json.loads(variants).items()})
            for eid, source, aliases, kind, notes, case, ref, variants in conn.execute(
                "SELECT id, source, aliases, entry_type, notes, case_sensitive, source_ref, variants "
                "FROM glossary_entries WHERE glossary_id = ? ORDER BY position", (gid,)))
        return Glossary(name=name, entries=entries, id=gid, source_lang=source_lang, description=description,
                        version=version, created_at=created, updated_at=updated)

    def resolve(self, names: Sequence[str], inline: Sequence[GlossaryEntry] = ()) -> ActiveGlossary:
        """The layers one request uses: inline entries, then ``names`` in order, then ``default``."""
        if isinstance(names, str):
            raise TypeError("names must be a sequence of glossary names, not a string")
        layers: list[Glossary] = []
        if inline:
            layers.append(_inline_glossary(inline))
        seen: set[str] = set()
        for name in names:
            glossary = self.get(name)
            if glossary.id not in seen:
                seen.add(glossary.id)
                layers.append(glossary)
        try:
            default = self.get(DEFAULT_NAME)
        except GlossaryNotFoundError:
            default = None
        if default is not None and default.id not in seen:
            layers.append(default)
        return ActiveGlossary(layers=tuple(layers))

    def export(self, name: str, fmt: str, target_lang: str | None = None) -> bytes:
        """The glossary as a file: pairs for ``target_lang`` (tsv/csv), all languages otherwise."""
        fmt = check_format(fmt)
        glossary = self.get(name)
        if target_lang:
            target_lang = validate_lang(target_lang)
            if not any(target_lang in e.renderings for e in glossary.entries):
                raise BadInputError(f"glossary {glossary.name!r} has no {target_lang!r} renderings")
        return serialise_glossary(glossary.entries, fmt, source_lang=glossary.source_lang, target_lang=target_lang)

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
            gid = existing[0] if existing else uuid.uuid4().hex
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
            gid = row[0]
            current = self._load(conn, row).entries
            incoming = {e.source.casefold(): e for e in entries}
            merged = [incoming.pop(e.source.casefold(), e) for e in current] + list(incoming.values())
            check_entries(merged)
            conn.execute("DELETE FROM glossary_entries WHERE glossary_id = ?", (gid,))
            insert_entries(conn, gid, merged)
            return self._bump(conn, gid, row[1])

    def delete_entries(self, name: str, sources: Sequence[str]) -> Glossary:
        """Remove the entries with these sources (case-insensitive); NotFoundError if one is missing."""
        if isinstance(sources, str):
            raise TypeError("sources must be a sequence of source terms, not a string")
        with self._transaction(write=True) as conn:
            row = self._row(conn, name)
            for source in sources:
                gone = conn.execute("DELETE FROM glossary_entries WHERE glossary_id = ? AND source_key = ?",
                                    (row[0], source.casefold())).rowcount
                if not gone:
                    raise NotFoundError(f"glossary {row[1]!r} has no entry {source!r}", source=source)
            return self._bump(conn, row[0], row[1])

    def delete(self, name: str) -> None:
        """Delete a glossary and its entries. The default glossary can only be reseeded."""
        with self._transaction(write=True) as conn:
            row = self._row(conn, name)
            if row[1] == DEFAULT_NAME:
                raise BadInputError("the default glossary cannot be deleted (reseed it instead)")
            conn.execute("DELETE FROM glossaries WHERE id = ?", (row[0],))
            self._cache.pop(row[0], None)

    def import_file(self, source: Path | str | bytes, *, name: str, fmt: str | None = None,
                    source_lang: str = "en", target_lang: str | None = None, replace: bool = False,
                    description: str = "") -> Glossary:
        """Create (or replace) a glossary from a file; a bad file changes nothing."""
        validate_name(name)
        if isinstance(source, (bytes, bytearray)):
            data, label = bytes(source), "upload"
            if fmt is None:
                raise BadInputError("give the format of uploaded glossary data")
        else:
            path = Path(source)
            label = path.name
            fmt = fmt or format_from_path(path)
            try:
                data = path.read_bytes()
            except (FileNotFoundError, IsADirectoryError):
                raise BadInputError(f"no such glossary file: {source}") from None
            except PermissionError:
                raise BadInputError(f"cannot read {source}: permission denied") from None
        entries = parse_glossary(data, fmt, source_lang=source_lang, target_lang=target_lang, file=label)
        return self.create(name, entries, description=description, source_lang=source_lang, replace=replace)

    def reseed_default(self) -> Glossary:
        """Replace the default glossary's entries with the shipped data (user glossaries untouched)."""
        entries = load_default_entries()
        return self.create(DEFAULT_NAME, entries, description=DEFAULT_DESCRIPTION, replace=True)

    def _bump(self, conn: sqlite3.Connection, gid: str, name: str) -> Glossary:
        conn.execute("UPDATE glossaries SET version = ?, updated_at = ? WHERE id = ?",
                     (next_version(conn, name), now(), gid))
        return self._load(conn, self._row(conn, gid))


def _inline_glossary(entries: Sequence[GlossaryEntry]) -> Glossary:
    """A request's own entries; its version is derived from the content so cache keys tell them apart."""
    checked = check_entries(entries)
    payload = json.dumps([[e.source, sorted(e.renderings.items()), e.type, list(e.aliases), e.case_sensitive]
                          for e in checked], ensure_ascii=False)
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return Glossary(name=INLINE_NAME, entries=tuple(checked), id=f"inline-{digest[:16]}",
                    version=int(digest[:8], 16))
