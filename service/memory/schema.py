"""The translation desk's tables (memories, stored briefs) in the shared store file, with their own migrations.

Recorded in ``tm_schema_version`` (the glossary store keeps ``schema_version``), so the two
migrate independently until the scale-out work unifies them. Append migrations, never edit
applied ones. SQL kept portable as in the glossary store: text ids, no AUTOINCREMENT, no ON CONFLICT.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable

_TABLES = (
    """CREATE TABLE tm_memories (
        id VARCHAR(32) PRIMARY KEY,
        name VARCHAR(64) NOT NULL,
        name_key VARCHAR(64) NOT NULL UNIQUE,
        created_at VARCHAR(40) NOT NULL,
        updated_at VARCHAR(40) NOT NULL)""",
    """CREATE TABLE tm_units (
        id VARCHAR(32) PRIMARY KEY,
        memory_id VARCHAR(32) NOT NULL REFERENCES tm_memories(id) ON DELETE CASCADE,
        source_lang VARCHAR(8) NOT NULL,
        target_lang VARCHAR(8) NOT NULL,
        source TEXT NOT NULL,
        source_key TEXT NOT NULL,
        key_length INTEGER NOT NULL,
        target TEXT NOT NULL,
        origin VARCHAR(200) NOT NULL,
        created_at VARCHAR(40) NOT NULL,
        UNIQUE (memory_id, source_lang, target_lang, source_key))""",
    "CREATE INDEX tm_units_by_key ON tm_units (source_lang, target_lang, source_key)",
    "CREATE INDEX tm_units_by_length ON tm_units (source_lang, target_lang, key_length)",
)


def _create_tables(conn: sqlite3.Connection) -> None:
    for statement in _TABLES:
        conn.execute(statement)


def _stored_briefs(conn: sqlite3.Connection) -> None:
    """Briefs kept for review (their JSON form) and each reviewer edit with the text it replaced."""
    conn.execute("""CREATE TABLE stored_briefs (
        id VARCHAR(32) PRIMARY KEY,
        body TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at VARCHAR(40) NOT NULL,
        updated_at VARCHAR(40) NOT NULL)""")
    conn.execute("""CREATE TABLE stored_brief_edits (
        id VARCHAR(32) PRIMARY KEY,
        brief_id VARCHAR(32) NOT NULL REFERENCES stored_briefs(id) ON DELETE CASCADE,
        segment VARCHAR(32) NOT NULL,
        lang VARCHAR(8) NOT NULL,
        previous TEXT NOT NULL,
        previous_provenance VARCHAR(16) NOT NULL,
        text TEXT NOT NULL,
        edited_at VARCHAR(40) NOT NULL)""")
    conn.execute("CREATE INDEX stored_brief_edits_by_brief ON stored_brief_edits (brief_id, edited_at)")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_create_tables, _stored_briefs)


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the missing migrations, each in its own transaction; safe to run on every open."""
    conn.execute("CREATE TABLE IF NOT EXISTS tm_schema_version (version INTEGER NOT NULL)")
    for number, migration in enumerate(MIGRATIONS, 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT MAX(version) FROM tm_schema_version").fetchone()
            if (row[0] or 0) < number:
                migration(conn)
                conn.execute("INSERT INTO tm_schema_version (version) VALUES (?)", (number,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
