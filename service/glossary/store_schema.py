"""The glossary store's schema migrations and low-level row writers.

They run on a SQLAlchemy connection (SQLite or PostgreSQL) with portable SQL and named
parameters; rows are read by column name.

Migrations run in order, each in its own transaction, and are recorded in
``schema_version``; append new ones, never edit applied ones.

**Owners** (migration 5, :mod:`service.storage.tenancy`): each glossary has a nullable ``owner`` (the owner
scope ``team:<team>`` or ``key:<key id>``; NULL = shared: ``default``, glossaries made before
tenancy, in single-user mode or with the CLI). Names are unique *per owner*: ``name_key`` is the
casefolded name for shared glossaries and ``<owner>/<casefolded name>`` for owned ones (names
never contain ``/``), so the existing unique index keeps holding.

**Versions** are counted per owner and name (``glossary_names``, keyed like ``name_key``; migration 7):
a tenant's new glossary starts at 1 whatever other tenants did with that name, so a version tells a
tenant nothing about another tenant's glossaries. Within one owner a name's versions never repeat,
even across delete and re-create, and one glossary's versions only grow (also when it changes owner):
``id@version`` names one content for the caches, ``name@version`` one content within a tenant.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, TextClause, text

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


def name_key(owner: str | None, name: str) -> str:
    """The unique key of ``name`` in ``owner``'s scope (None: shared)."""
    return name.casefold() if owner is None else f"{owner}/{name.casefold()}"


def next_version(conn: Connection, owner: str | None, name: str, *, after: int = 0) -> int:
    """The next version of ``owner``'s glossary ``name``: past every version that owner's name had (so
    none repeats, even across delete and re-create) and past ``after`` (the glossary's current version,
    so one glossary's versions only grow). Other owners' glossaries of that name do not count.

    Callers hold the store's write lock, so read-then-write here never hands one version out twice.
    """
    key = name_key(owner, name)
    row = conn.execute(text("SELECT last_version FROM glossary_names WHERE name_key = :key"),
                       {"key": key}).mappings().first()
    version = max(row["last_version"] if row else 0, after) + 1
    if row:
        conn.execute(text("UPDATE glossary_names SET last_version = :v WHERE name_key = :key"),
                     {"v": version, "key": key})
    else:
        conn.execute(text("INSERT INTO glossary_names (name_key, last_version) VALUES (:key, :v)"),
                     {"v": version, "key": key})
    return version


_ENTRY_COLUMNS = ("id", "glossary_id", "position", "source", "source_key", "aliases", "entry_type", "notes",
                  "case_sensitive", "source_ref", "variants", "short_renderings")


def _insert_entry(columns: Sequence[str]) -> TextClause:
    values = ", ".join(":gid" if c == "glossary_id" else f":{c}" for c in columns)
    return text(f"INSERT INTO glossary_entries ({', '.join(columns)}) VALUES ({values})")
_INSERT_RENDERING = text("INSERT INTO glossary_renderings (entry_id, lang, text) VALUES (:eid, :lang, :text)")


def insert_entries(conn: Connection, gid: str, entries: Sequence[GlossaryEntry], *,
                   columns: Sequence[str] = _ENTRY_COLUMNS) -> None:
    """Insert entries (with their renderings) at positions 0.. of glossary ``gid``.

    ``columns``: the entry columns the schema has so far (a migration before the last writes fewer).
    """
    rows: list[dict[str, object]] = []
    renderings: list[dict[str, object]] = []
    for position, entry in enumerate(entries):
        eid = uuid.uuid4().hex
        rows.append({"id": eid, "gid": gid, "position": position, "source": entry.source,
                     "source_key": entry.source.casefold(),
                     "aliases": json.dumps(list(entry.aliases), ensure_ascii=False), "entry_type": entry.type,
                     "notes": entry.notes, "case_sensitive": 1 if entry.case_sensitive else 0,
                     "source_ref": entry.source_ref,
                     "variants": json.dumps({k: list(v) for k, v in sorted(entry.variants.items())},
                                            ensure_ascii=False),
                     "short_renderings": json.dumps(dict(sorted(entry.short_renderings.items())),
                                                    ensure_ascii=False)})
        renderings.extend({"eid": eid, "lang": lang, "text": value}
                          for lang, value in sorted(entry.renderings.items()))
    if rows:
        conn.execute(_insert_entry(columns), [{k: v for k, v in row.items() if k in columns or k == "gid"}
                                              for row in rows])
    if renderings:
        conn.execute(_INSERT_RENDERING, renderings)


def _add_variants(conn: Connection) -> None:
    """Known other spellings per language (JSON object lang -> list), used by enforcement."""
    conn.execute(text("ALTER TABLE glossary_entries ADD COLUMN variants TEXT NOT NULL DEFAULT '{}'"))


def _add_short_renderings(conn: Connection) -> None:
    """A person's short rendering per language (JSON object lang -> text), for family-name mentions."""
    conn.execute(text("ALTER TABLE glossary_entries ADD COLUMN short_renderings TEXT NOT NULL DEFAULT '{}'"))


def _create_tables(conn: Connection) -> None:
    for statement in _SCHEMA_V1:
        conn.execute(text(statement))


def default_data_sha256(path: Path = DEFAULT_DATA) -> str:
    """Fingerprint of the shipped default glossary file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refresh_default(conn: Connection) -> bool:
    """Bring the default glossary up to the shipped data when that data changed (an upgrade).

    Runs inside the caller's transaction; user glossaries are never touched. Returns whether it wrote.
    """
    shipped = default_data_sha256()
    row = conn.execute(text("SELECT meta_value FROM store_meta WHERE meta_key = :key"),
                       {"key": DEFAULT_HASH_KEY}).mappings().first()
    if row is not None and row["meta_value"] == shipped:
        return False
    stamp = now()
    found = conn.execute(text("SELECT id FROM glossaries WHERE name_key = :key"),
                         {"key": DEFAULT_NAME}).mappings().first()
    version = next_version(conn, None, DEFAULT_NAME)
    if found is None:
        gid = uuid.uuid4().hex
        conn.execute(INSERT_GLOSSARY, {"id": gid, "name": DEFAULT_NAME, "name_key": DEFAULT_NAME,
                                       "description": DEFAULT_DESCRIPTION, "source_lang": "en",
                                       "version": version, "created_at": stamp, "updated_at": stamp})
    else:
        gid = found["id"]
        conn.execute(text("DELETE FROM glossary_entries WHERE glossary_id = :gid"), {"gid": gid})
        conn.execute(text("UPDATE glossaries SET version = :v, updated_at = :at WHERE id = :gid"),
                     {"v": version, "at": stamp, "gid": gid})
    insert_entries(conn, gid, load_default_entries())
    if row is None:
        conn.execute(text("INSERT INTO store_meta (meta_key, meta_value) VALUES (:key, :value)"),
                     {"key": DEFAULT_HASH_KEY, "value": shipped})
    else:
        conn.execute(text("UPDATE store_meta SET meta_value = :value WHERE meta_key = :key"),
                     {"key": DEFAULT_HASH_KEY, "value": shipped})
    return True


INSERT_GLOSSARY = text(
    "INSERT INTO glossaries (id, name, name_key, description, source_lang, version, created_at, updated_at) "
    "VALUES (:id, :name, :name_key, :description, :source_lang, :version, :created_at, :updated_at)")
INSERT_OWNED_GLOSSARY = text(
    "INSERT INTO glossaries (id, name, name_key, owner, description, source_lang, version, created_at, updated_at) "
    "VALUES (:id, :name, :name_key, :owner, :description, :source_lang, :version, :created_at, :updated_at)")


def _seed_default(conn: Connection) -> None:
    """The default glossary, kept apart from user glossaries by its reserved name."""
    stamp = now()
    gid = uuid.uuid4().hex
    conn.execute(INSERT_GLOSSARY, {"id": gid, "name": DEFAULT_NAME, "name_key": DEFAULT_NAME,
                                   "description": DEFAULT_DESCRIPTION, "source_lang": "en",
                                   "version": next_version(conn, None, DEFAULT_NAME), "created_at": stamp,
                                   "updated_at": stamp})
    # The schema of this migration's time (short renderings came later; refresh_default adds them).
    insert_entries(conn, gid, [replace(e, short_renderings={}) for e in load_default_entries()],
                   columns=_ENTRY_COLUMNS[:-1])


def _add_store_meta(conn: Connection) -> None:
    """Facts about the store itself, such as which shipped default glossary it holds (none recorded
    yet, so the first open after this migration brings the default glossary up to date)."""
    conn.execute(text("CREATE TABLE store_meta (meta_key VARCHAR(64) PRIMARY KEY, meta_value TEXT NOT NULL)"))


def _add_owner(conn: Connection) -> None:
    """Glossaries get an owner scope; every existing one stays shared (NULL). Owned names are keyed
    ``<owner>/<name>``, which needs a wider ``name_key`` on PostgreSQL (SQLite does not enforce lengths)."""
    conn.execute(text("ALTER TABLE glossaries ADD COLUMN owner VARCHAR(100)"))
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE glossaries ALTER COLUMN name_key TYPE VARCHAR(200)"))
    conn.execute(text("CREATE INDEX glossaries_by_owner ON glossaries (owner)"))


def _add_display_name(conn: Connection) -> None:
    """A display name beside the store name (NULL: shown by its name): DeepL clients name glossaries
    freely ("tool: project 12 <uuid>"), while store names stay URL- and signature-safe keys."""
    conn.execute(text("ALTER TABLE glossaries ADD COLUMN display_name TEXT"))


def _count_versions_per_owner(conn: Connection) -> None:
    """Versions counted per owner and name (before: per bare name, across owners, which told a tenant how
    often others changed glossaries of its name). Each owned glossary's counter starts where its name's
    shared counter stood, so no version handed out before repeats; new names start at 1. Owned keys are
    ``<owner>/<name>``: a wider ``name_key`` on PostgreSQL, as for the glossaries."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE glossary_names ALTER COLUMN name_key TYPE VARCHAR(200)"))
    counters = {r["name_key"]: int(r["last_version"])
                for r in conn.execute(text("SELECT name_key, last_version FROM glossary_names")).mappings()}
    owned = conn.execute(text("SELECT name, owner, version FROM glossaries WHERE owner IS NOT NULL")).mappings()
    for row in list(owned):
        key = name_key(row["owner"], row["name"])
        if key not in counters:
            counters[key] = max(counters.get(name_key(None, row["name"]), 0), int(row["version"]))
            conn.execute(text("INSERT INTO glossary_names (name_key, last_version) VALUES (:key, :v)"),
                         {"key": key, "v": counters[key]})


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _create_tables, _add_variants, _seed_default, _add_store_meta, _add_owner, _add_display_name,
    _add_short_renderings, _count_versions_per_owner)
