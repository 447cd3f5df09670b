"""The translation desk's tables (memories, stored briefs) and their migrations, on SQLite or PostgreSQL.

Recorded in ``tm_schema_version`` (the glossary store keeps ``schema_version``, keys
``api_key_schema``): each component migrates itself. The table and its first two migrations
are the ones the pre-SQLAlchemy code wrote, so store files made by it migrate forward from
where they are. Append migrations, never edit applied ones. SQL is portable: text ids,
no AUTOINCREMENT, ISO-8601 UTC timestamps as text.
"""
from __future__ import annotations

import json

from sqlalchemy import Connection, text

from service.memory.listing import listing
from service.storage.db import Migration

MIGRATIONS_TABLE = "tm_schema_version"

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

_STORED_BRIEFS = (
    """CREATE TABLE stored_briefs (
        id VARCHAR(32) PRIMARY KEY,
        body TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at VARCHAR(40) NOT NULL,
        updated_at VARCHAR(40) NOT NULL)""",
    """CREATE TABLE stored_brief_edits (
        id VARCHAR(32) PRIMARY KEY,
        brief_id VARCHAR(32) NOT NULL REFERENCES stored_briefs(id) ON DELETE CASCADE,
        segment VARCHAR(32) NOT NULL,
        lang VARCHAR(8) NOT NULL,
        previous TEXT NOT NULL,
        previous_provenance VARCHAR(16) NOT NULL,
        text TEXT NOT NULL,
        edited_at VARCHAR(40) NOT NULL)""",
    "CREATE INDEX stored_brief_edits_by_brief ON stored_brief_edits (brief_id, edited_at)",
)

_OWNERS = (
    "ALTER TABLE tm_memories ADD COLUMN owner TEXT",
    "ALTER TABLE stored_briefs ADD COLUMN owner TEXT",
    "CREATE INDEX tm_memories_by_owner ON tm_memories (owner)",
    "CREATE INDEX stored_briefs_by_owner ON stored_briefs (owner)",
)


def _wider_name_keys(conn: Connection) -> None:
    """Owned names are keyed ``<owner>/<name>``: PostgreSQL needs a wider column (SQLite ignores lengths)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE tm_memories ALTER COLUMN name_key TYPE VARCHAR(200)"))


_LISTING = (
    "ALTER TABLE stored_briefs ADD COLUMN title TEXT",
    "ALTER TABLE stored_briefs ADD COLUMN target_langs TEXT",
    "ALTER TABLE stored_briefs ADD COLUMN segment_count INTEGER",
    "ALTER TABLE stored_briefs ADD COLUMN segments_confirmed INTEGER",
    "ALTER TABLE stored_briefs ADD COLUMN translation_count INTEGER",
    "ALTER TABLE stored_briefs ADD COLUMN translations_confirmed INTEGER",
    "CREATE INDEX stored_briefs_by_created ON stored_briefs (created_at)",
)


def _listing_columns(conn: Connection) -> None:
    """A stored brief's title, languages and review counts as columns, filled in for the briefs already stored."""
    _run(_LISTING)(conn)
    for bid, body in conn.execute(text("SELECT id, body FROM stored_briefs")).all():
        columns = listing(json.loads(body)).columns()
        conn.execute(text("UPDATE stored_briefs SET title = :title, target_langs = :target_langs, "
                          "segment_count = :segment_count, segments_confirmed = :segments_confirmed, "
                          "translation_count = :translation_count, translations_confirmed = :translations_confirmed "
                          "WHERE id = :id"), {**columns, "id": bid})


def _run(statements: tuple[str, ...]) -> Migration:
    def migration(conn: Connection) -> None:
        for statement in statements:
            conn.execute(text(statement))
    return migration


MIGRATIONS: tuple[Migration, ...] = (
    _run(_TABLES),          # 1: memories and their units
    _run(_STORED_BRIEFS),   # 2: briefs kept for review and each reviewer edit with the text it replaced
    _run(_OWNERS),          # 3: who owns a memory or stored brief (NULL: shared, single-user data)
    _wider_name_keys,       # 4: room for the owner scope in a memory's unique name key
    _listing_columns,       # 5: a stored brief's title, languages and review progress, for lists
)
