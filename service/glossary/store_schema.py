"""The glossary store's schema migrations and low-level row writers.

They run on the store's connection, whose rows are read by column name (``sqlite3.Row``).

Migrations run in order, each in its own transaction, and are recorded in
``schema_version``; append new ones, never edit applied ones.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from service.glossary.formats import parse_glossary
from service.glossary.model import GlossaryEntry

DEFAULT_NAME = "default"
DEFAULT_DESCRIPTION = "Current-affairs entities shipped with the service (en/ja/ko)."
DEFAULT_DATA = Path(__file__).resolve().parent / "data" / "default.tsv"

_SCHEMA_V1 = (
    """CREATE TABLE glossaries (
        id VARCHAR(32) PRIMARY KEY,
        name VARCHAR(64) NOT NULL,
        name_key VARCHAR(64) NOT NULL UNIQUE,
        description TEXT NOT NULL,
        source_lang VARCHAR(8) NOT NULL,
        version INTEGER NOT NULL,
        created_at VARCHAR(40) NOT NULL,
        updated_at VARCHAR(40) NOT NULL)""",
    """CREATE TABLE glossary_entries (
        id VARCHAR(32) PRIMARY KEY,
        glossary_id VARCHAR(32) NOT NULL REFERENCES glossaries(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        source TEXT NOT NULL,
        source_key TEXT NOT NULL,
        aliases TEXT NOT NULL,
        entry_type VARCHAR(32) NOT NULL,
        notes TEXT NOT NULL,
        case_sensitive INTEGER NOT NULL,
        source_ref TEXT NOT NULL,
        UNIQUE (glossary_id, source_key))""",
    "CREATE INDEX glossary_entries_by_position ON glossary_entries (glossary_id, position)",
    """CREATE TABLE glossary_renderings (
        entry_id VARCHAR(32) NOT NULL REFERENCES glossary_entries(id) ON DELETE CASCADE,
        lang VARCHAR(8) NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (entry_id, lang))""",
    # Last version handed out per name, kept after a delete so name@version never repeats.
    """CREATE TABLE glossary_names (
        name_key VARCHAR(64) PRIMARY KEY,
        last_version INTEGER NOT NULL)""",
)
DEFAULT_HASH_KEY = "default_data_sha256"


def now() -> str:
    """The current UTC time as ISO-8601 text."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def load_default_entries(path: Path = DEFAULT_DATA) -> list[GlossaryEntry]:
    """The shipped default glossary, read through the same parser as users' files."""
    return parse_glossary(path.read_bytes(), "tsv", file=path.name)


def next_version(conn: sqlite3.Connection, name: str) -> int:
    """Versions never repeat for a name, even across delete and re-create (cache keys rely on it)."""
    key = name.casefold()
    row = conn.execute("SELECT last_version FROM glossary_names WHERE name_key = ?", (key,)).fetchone()
    version = (row["last_version"] if row else 0) + 1
    if row:
        conn.execute("UPDATE glossary_names SET last_version = ? WHERE name_key = ?", (version, key))
    else:
        conn.execute("INSERT INTO glossary_names (name_key, last_version) VALUES (?, ?)", (key, version))
    return version


def insert_entries(conn: sqlite3.Connection, gid: str, entries: Sequence[GlossaryEntry]) -> None:
    """Insert entries (with their renderings) at positions 0.. of glossary ``gid``."""
    for position, entry in enumerate(entries):
        eid = uuid.uuid4().hex
        conn.execute("INSERT INTO glossary_entries (id, glossary_id, position, source, source_key, aliases, "
                     "entry_type, notes, case_sensitive, source_ref, variants) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (eid, gid, position, entry.source, entry.source.casefold(),
                      json.dumps(list(entry.aliases), ensure_ascii=False), entry.type, entry.notes,
                      1 if entry.case_sensitive else 0, entry.source_ref,
                      json.dumps({k: list(v) for k, v in sorted(entry.variants.items())}, ensure_ascii=False)))
        conn.executemany("INSERT INTO glossary_renderings (entry_id, lang, text) VALUES (?, ?, ?)",
                         [(eid, lang, text) for lang, text in sorted(entry.renderings.items())])


def _add_variants(conn: sqlite3.Connection) -> None:
    """Known other spellings per language (JSON object lang -> list), used by enforcement."""
    conn.execute("ALTER TABLE glossary_entries ADD COLUMN variants TEXT NOT NULL DEFAULT '{}'")


def _create_tables(conn: sqlite3.Connection) -> None:
    for statement in _SCHEMA_V1:
        conn.execute(statement)


def default_data_sha256(path: Path = DEFAULT_DATA) -> str:
    """Fingerprint of the shipped default glossary file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refresh_default(conn: sqlite3.Connection) -> bool:
    """Bring the default glossary up to the shipped data when that data changed (an upgrade).

    Runs inside the caller's transaction; user glossaries are never touched. Returns whether it wrote.
    """
    shipped = default_data_sha256()
    row = conn.execute("SELECT meta_value FROM store_meta WHERE meta_key = ?", (DEFAULT_HASH_KEY,)).fetchone()
    if row is not None and row["meta_value"] == shipped:
        return False
    stamp = now()
    found = conn.execute("SELECT id FROM glossaries WHERE name_key = ?", (DEFAULT_NAME,)).fetchone()
    version = next_version(conn, DEFAULT_NAME)
    if found is None:
        gid = uuid.uuid4().hex
        conn.execute("INSERT INTO glossaries (id, name, name_key, description, source_lang, version, created_at, "
                     "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (gid, DEFAULT_NAME, DEFAULT_NAME, DEFAULT_DESCRIPTION, "en", version, stamp, stamp))
    else:
        gid = found["id"]
        conn.execute("DELETE FROM glossary_entries WHERE glossary_id = ?", (gid,))
        conn.execute("UPDATE glossaries SET version = ?, updated_at = ? WHERE id = ?", (version, stamp, gid))
    insert_entries(conn, gid, load_default_entries())
    if row is None:
        conn.execute("INSERT INTO store_meta (meta_key, meta_value) VALUES (?, ?)", (DEFAULT_HASH_KEY, shipped))
    else:
        conn.execute("UPDATE store_meta SET meta_value = ? WHERE meta_key = ?", (shipped, DEFAULT_HASH_KEY))
    return True


def _seed_default(conn: sqlite3.Connection) -> None:
    """The default glossary, kept apart from user glossaries by its reserved name."""
    stamp = now()
    gid = uuid.uuid4().hex
    conn.execute("INSERT INTO glossaries (id, name, name_key, description, source_lang, version, created_at, "
                 "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (gid, DEFAULT_NAME, DEFAULT_NAME, DEFAULT_DESCRIPTION, "en", next_version(conn, DEFAULT_NAME),
                  stamp, stamp))
    insert_entries(conn, gid, load_default_entries())


def _add_store_meta(conn: sqlite3.Connection) -> None:
    """Facts about the store itself, such as which shipped default glossary it holds (none recorded
    yet, so the first open after this migration brings the default glossary up to date)."""
    conn.execute("CREATE TABLE store_meta (meta_key VARCHAR(64) PRIMARY KEY, meta_value TEXT NOT NULL)")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _create_tables, _add_variants, _seed_default, _add_store_meta)
