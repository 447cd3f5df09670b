"""Named glossaries on SQLite (embedded default) or PostgreSQL, through SQLAlchemy Core.

All SQL lives in this class (and :mod:`service.glossary.store_schema`), written once for both
backends: text ids (uuid4 hex), no AUTOINCREMENT, ISO-8601 UTC timestamps as text, named
parameters. Writers are serialised per store (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory
transaction lock), so a read-modify-write never loses a concurrent edit from another worker or
host. The interface is :class:`~service.glossary.store_api.GlossaryStoreProtocol`; what does not
touch the database comes from :class:`~service.glossary.store_api.GlossaryStoreBase`.

Every call acts for a :class:`~service.storage.tenancy.Tenant` (default: the local operator, who sees
everything) and applies :mod:`service.storage.tenancy`'s rules: a tenant lists and finds its own glossaries
and the shared ones; by name its own comes first, then a shared one; another tenant's glossary is
"not found", exactly as a missing one; a change it may see but not make is ForbiddenError.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, RowMapping, text

from service.errors import BadInputError, ConflictError, GlossaryNotFoundError, NotFoundError
from service.glossary.model import Glossary, GlossaryEntry, GlossaryInfo
from service.glossary.store_api import INLINE_NAME, RESERVED_NAMES, GlossaryStoreBase, GlossaryStoreProtocol
from service.glossary.store_schema import (
    DEFAULT_NAME,
    INSERT_OWNED_GLOSSARY,
    MIGRATIONS,
    insert_entries,
    name_key,
    next_version,
    now,
    refresh_default,
)
from service.glossary.validation import check_description, check_display_name, check_entries, validate_name
from service.languages import validate_lang
from service.storage.db import MigratedEngine, normalise_url, sqlite_path, transaction
from service.storage.tenancy import OPERATOR, Tenant, may_read, require_change, require_create, visible_clause

__all__ = ["DEFAULT_NAME", "INLINE_NAME", "GlossaryInfo", "GlossaryStore", "validate_name"]

_GLOSSARY_COLUMNS = "id, name, description, source_lang, version, created_at, updated_at, owner, display_name"
WRITE_LOCK = "glossaries"  # one writer at a time per database (an advisory lock on PostgreSQL)
MIGRATIONS_TABLE = "schema_version"


class GlossaryStore(GlossaryStoreBase):
    """Glossaries at a store URL or SQLite path; the database is opened (and migrated) on first use."""

    def __init__(self, path_or_url: Path | str, *, pool_size: int = 5) -> None:
        self.url = normalise_url(path_or_url)
        self.path = sqlite_path(self.url)
        self._database = MigratedEngine(self.url, MIGRATIONS_TABLE, MIGRATIONS, label="glossary store",
                                        pool_size=pool_size, after_migrations=_refresh_default)
        self._cache: dict[str, Glossary] = {}

    # -- connection and transactions ------------------------------------------------------------

    def _ready_engine(self) -> Engine:
        """The engine, migrated and with the shipped default glossary up to date."""
        return self._database.get()

    @contextmanager
    def _transaction(self, write: bool = False) -> Iterator[Connection]:
        """One transaction on a pooled connection; writers hold the store's write lock, readers read one
        snapshot (a glossary's row and its entries are always one version, on PostgreSQL too)."""
        with transaction(self._ready_engine(), write=write, lock=WRITE_LOCK, snapshot=not write) as conn:
            yield conn

    @property
    def engine(self) -> Engine:
        """The migrated engine (for checks and export)."""
        return self._ready_engine()

    def schema_version(self) -> int:
        """The number of migrations applied to this store."""
        with self._transaction() as conn:
            return _applied(conn)

    def close(self) -> None:
        """Release the pooled connections; the next call reopens them."""
        self._database.close()
        self._cache.clear()

    # -- reading --------------------------------------------------------------------------------

    def list_glossaries(self, *, tenant: Tenant = OPERATOR) -> list[GlossaryInfo]:
        """The glossaries ``tenant`` may read (its own and the shared ones), by name, with entry counts
        and languages."""
        visible, params = visible_clause(tenant, "g.owner")
        with self._transaction() as conn:
            rows = conn.execute(text(
                "SELECT g.id, g.name, g.version, g.updated_at, g.description, g.source_lang, g.owner, g.display_name, "
                "COUNT(e.id) AS entry_count "
                f"FROM glossaries g LEFT JOIN glossary_entries e ON e.glossary_id = g.id WHERE {visible} "
                "GROUP BY g.id, g.name, g.version, g.updated_at, g.description, g.source_lang, g.name_key, g.owner, "
                "g.display_name "
                "ORDER BY LOWER(g.name), g.name_key"), params).mappings().all()
            langs: dict[str, list[str]] = {}
            for row in conn.execute(text(
                    "SELECT DISTINCT e.glossary_id, r.lang FROM glossary_renderings r "
                    "JOIN glossary_entries e ON e.id = r.entry_id ORDER BY r.lang")).mappings():
                langs.setdefault(row["glossary_id"], []).append(row["lang"])
        return [GlossaryInfo(name=row["name"], id=row["id"], entry_count=int(row["entry_count"]),
                             languages=tuple(langs.get(row["id"], ())), version=row["version"],
                             updated_at=row["updated_at"], description=row["description"],
                             source_lang=row["source_lang"], owner=row["owner"], display_name=row["display_name"])
                for row in rows]

    def get(self, name_or_id: str, *, tenant: Tenant = OPERATOR) -> Glossary:
        """The glossary with this name (case-insensitive; ``tenant``'s own first, then shared) or id that
        ``tenant`` may read; GlossaryNotFoundError otherwise."""
        if not isinstance(name_or_id, str) or not name_or_id.strip():
            raise BadInputError("a glossary name must not be empty")
        with self._transaction() as conn:  # one transaction: the row and its entries are one version
            row = self._find(conn, name_or_id, tenant)
            cached = self._cache.get(row["id"])
            if cached is not None and cached.version == row["version"]:
                return cached
            glossary = self._load(conn, row)
            self._cache[glossary.id] = glossary
            return glossary

    @staticmethod
    def _row(conn: Connection, gid: str) -> RowMapping:
        """The row with this id (callers found it already)."""
        row = conn.execute(text(f"SELECT {_GLOSSARY_COLUMNS} FROM glossaries WHERE id = :id"),
                           {"id": gid}).mappings().first()
        if row is None:
            raise _not_found(gid)
        return row

    @staticmethod
    def _find(conn: Connection, name_or_id: str, tenant: Tenant, *, any_owner_by_name: bool = True) -> RowMapping:
        """The row ``tenant`` means by this name or id: by name its own first, then a shared one; by id
        any it may read. Another tenant's glossary is not found, exactly as a missing one. The operator
        (who sees everything) may also name a team's glossary whose name is unambiguous, except when
        creating: what it creates by name is shared."""
        own, shared = name_key(tenant.owner, name_or_id), name_key(None, name_or_id)
        rows = conn.execute(text(f"SELECT {_GLOSSARY_COLUMNS}, name_key FROM glossaries "
                                 "WHERE name_key = :own OR name_key = :shared OR id = :id"),
                            {"own": own, "shared": shared, "id": name_or_id}).mappings().all()
        rank = {own: 0, shared: 1}
        visible = sorted((r for r in rows if may_read(tenant, r["owner"])), key=lambda r: rank.get(r["name_key"], 2))
        if visible:
            return visible[0]
        if tenant.sees_everything and any_owner_by_name:  # a team's glossary, if its name is unambiguous
            owned = conn.execute(text(f"SELECT {_GLOSSARY_COLUMNS} FROM glossaries "
                                      "WHERE owner IS NOT NULL AND LOWER(name) = :name"),
                                 {"name": name_or_id.casefold()}).mappings().all()
            if len(owned) == 1:
                return owned[0]
            if owned:
                raise ConflictError(f"several glossaries are named {name_or_id!r} (owners "
                                    f"{', '.join(sorted(r['owner'] for r in owned))}); name one by its id",
                                    glossary=name_or_id)
        raise _not_found(name_or_id)

    @staticmethod
    def _load(conn: Connection, row: RowMapping) -> Glossary:
        renderings: dict[str, dict[str, str]] = {}
        for r in conn.execute(text(
                "SELECT r.entry_id, r.lang, r.text FROM glossary_renderings r "
                "JOIN glossary_entries e ON e.id = r.entry_id WHERE e.glossary_id = :gid ORDER BY r.lang"),
                {"gid": row["id"]}).mappings():
            renderings.setdefault(r["entry_id"], {})[r["lang"]] = r["text"]
        entries = tuple(
            GlossaryEntry(source=e["source"], renderings=renderings.get(e["id"], {}), type=e["entry_type"],
                          aliases=tuple(json.loads(e["aliases"])), notes=e["notes"],
                          case_sensitive=bool(e["case_sensitive"]), source_ref=e["source_ref"],
                          variants={k: tuple(v) for k, v in json.loads(e["variants"]).items()},
                          short_renderings=json.loads(e["short_renderings"]))
            for e in conn.execute(text(
                "SELECT id, source, aliases, entry_type, notes, case_sensitive, source_ref, variants, short_renderings "
                "FROM glossary_entries WHERE glossary_id = :gid ORDER BY position"), {"gid": row["id"]}).mappings())
        return Glossary(name=row["name"], entries=entries, id=row["id"], source_lang=row["source_lang"],
                        description=row["description"], version=row["version"], created_at=row["created_at"],
                        updated_at=row["updated_at"], owner=row["owner"], display_name=row["display_name"])

    # -- writing --------------------------------------------------------------------------------

    def create(self, name: str, entries: Sequence[GlossaryEntry], *, description: str = "",
               source_lang: str = "en", replace: bool = False, expected_version: int | None = None,
               tenant: Tenant = OPERATOR, display_name: str | None = None) -> Glossary:
        """A new glossary owned by ``tenant`` (ConflictError if a glossary of that name is visible to it,
        unless ``replace``: then id and owner kept, version+1). ``name`` may be the id of one to replace.

        ``expected_version``: replace only if the stored glossary is still at that version (else 409).
        ``display_name``: shown beside the name (None: a new glossary has none, a replaced one keeps its own).
        """
        validate_name(name)
        if name.casefold() in RESERVED_NAMES:
            raise BadInputError(f"{name.casefold()!r} is reserved for a layer of every request (a request's own "
                                "entries, the CLDR place names)")
        entries = check_entries(entries)
        description = check_description(description)
        if display_name is not None:
            check_display_name(display_name)
        source_lang = validate_lang(source_lang)
        with self._transaction(write=True) as conn:
            existing = self._find_or_none(conn, name, tenant)
            if expected_version is not None:
                if existing is None:
                    raise ConflictError(f"glossary {name!r} does not exist, so it is not at version "
                                        f"{expected_version}", glossary=name)
                _check_version(existing, expected_version)
            if existing and not replace:
                raise ConflictError(f"glossary {name!r} already exists (use replace to overwrite it)",
                                    glossary=name)
            if existing:
                require_change(tenant, existing["owner"], hidden=_not_found(name), noun="glossary")
                if existing["id"] == name:  # replaced by id: it keeps its name
                    name = existing["name"]
            else:
                require_create(tenant, noun="glossary")
            owner = existing["owner"] if existing else tenant.owner
            gid = existing["id"] if existing else uuid.uuid4().hex
            stamp = now()
            version = next_version(conn, owner, name, after=existing["version"] if existing else 0)
            if existing:
                conn.execute(text("DELETE FROM glossary_entries WHERE glossary_id = :gid"), {"gid": gid})
                conn.execute(text("UPDATE glossaries SET name = :name, name_key = :key, description = :description, "
                                  "source_lang = :source_lang, version = :version, updated_at = :at WHERE id = :gid"),
                             _params(name=name, key=name_key(owner, name), description=description,
                                     source_lang=source_lang, version=version, at=stamp, gid=gid))
            else:
                conn.execute(INSERT_OWNED_GLOSSARY, _params(
                    id=gid, name=name, name_key=name_key(owner, name), owner=owner, description=description,
                    source_lang=source_lang, version=version, created_at=stamp, updated_at=stamp))
            insert_entries(conn, gid, entries)
            if display_name is not None:  # the same as the name: nothing to show beside it
                conn.execute(text("UPDATE glossaries SET display_name = :shown WHERE id = :gid"),
                             {"shown": None if display_name == name else display_name, "gid": gid})
            return self._load(conn, self._row(conn, gid))

    def _find_or_none(self, conn: Connection, name: str, tenant: Tenant) -> RowMapping | None:
        try:
            return self._find(conn, name, tenant, any_owner_by_name=False)
        except GlossaryNotFoundError:
            return None

    def _writable(self, conn: Connection, name: str, tenant: Tenant, expected_version: int | None) -> RowMapping:
        """The row ``tenant`` names, if it may change it and it is still at ``expected_version``."""
        row = self._find(conn, name, tenant)
        require_change(tenant, row["owner"], hidden=_not_found(name), noun="glossary")
        _check_version(row, expected_version)
        return row

    def add_entries(self, name: str, entries: Sequence[GlossaryEntry], *,
                    expected_version: int | None = None, tenant: Tenant = OPERATOR) -> Glossary:
        """Add entries, replacing any with the same source (case-insensitive) in place."""
        entries = check_entries(entries)
        with self._transaction(write=True) as conn:
            row = self._writable(conn, name, tenant, expected_version)
            current = self._load(conn, row).entries
            incoming = {e.source.casefold(): e for e in entries}
            merged = [incoming.pop(e.source.casefold(), e) for e in current] + list(incoming.values())
            check_entries(merged)
            conn.execute(text("DELETE FROM glossary_entries WHERE glossary_id = :gid"), {"gid": row["id"]})
            insert_entries(conn, row["id"], merged)
            return self._bump(conn, row)

    def delete_entries(self, name: str, sources: Sequence[str], *,
                       expected_version: int | None = None, tenant: Tenant = OPERATOR) -> Glossary:
        """Remove the entries with these sources (case-insensitive); NotFoundError if one is missing."""
        if isinstance(sources, str):
            raise TypeError("sources must be a sequence of source terms, not a string")
        with self._transaction(write=True) as conn:
            row = self._writable(conn, name, tenant, expected_version)
            for source in sources:
                gone = conn.execute(text("DELETE FROM glossary_entries WHERE glossary_id = :gid AND source_key = :key"),
                                    {"gid": row["id"], "key": source.casefold()}).rowcount
                if not gone:
                    raise NotFoundError(f"glossary {row['name']!r} has no entry {source!r}", source=source)
            return self._bump(conn, row)

    def delete(self, name: str, *, expected_version: int | None = None, tenant: Tenant = OPERATOR) -> None:
        """Delete a glossary and its entries. The default glossary can only be reset."""
        with self._transaction(write=True) as conn:
            row = self._writable(conn, name, tenant, expected_version)
            if row["name"] == DEFAULT_NAME and row["owner"] is None:
                raise BadInputError("the default glossary cannot be deleted; to put back its shipped entries, "
                                    "run `python -m service glossary reset-default`")
            conn.execute(text("DELETE FROM glossaries WHERE id = :gid"), {"gid": row["id"]})
            self._cache.pop(row["id"], None)

    def set_owner(self, name_or_id: str, owner: str | None) -> Glossary:
        """Give a glossary to an owner scope (None: make it shared); the operator's ``glossary assign``.

        ConflictError when the new owner already has a glossary of that name; ``default`` stays shared.
        """
        with self._transaction(write=True) as conn:
            row = self._find(conn, name_or_id, OPERATOR)
            if row["name"] == DEFAULT_NAME and row["owner"] is None and owner is not None:
                raise BadInputError(f"the {DEFAULT_NAME!r} glossary is shipped data and stays shared")
            key = name_key(owner, row["name"])
            clash = conn.execute(text("SELECT id FROM glossaries WHERE name_key = :key AND id <> :gid"),
                                 {"key": key, "gid": row["id"]}).first()
            if clash is not None:
                raise ConflictError(f"{owner or 'shared data'} already has a glossary named {row['name']!r}",
                                    glossary=row["name"])
            conn.execute(text("UPDATE glossaries SET owner = :owner, name_key = :key WHERE id = :gid"),
                         {"owner": owner, "key": key, "gid": row["id"]})
            return self._bump(conn, row)  # a new version: no cached copy keeps the old owner

    def _bump(self, conn: Connection, row: RowMapping) -> Glossary:
        """A new version of the glossary ``row`` found, counted for its owner now (``set_owner`` changes it)."""
        current = self._row(conn, row["id"])
        version = next_version(conn, current["owner"], current["name"], after=current["version"])
        conn.execute(text("UPDATE glossaries SET version = :v, updated_at = :at WHERE id = :gid"),
                     {"v": version, "at": now(), "gid": row["id"]})
        return self._load(conn, self._row(conn, row["id"]))


def _refresh_default(engine: Engine) -> None:
    """An upgraded service brings its newer default glossary into an existing store."""
    with transaction(engine, write=True, lock=WRITE_LOCK) as conn:
        refresh_default(conn)


def _applied(conn: Connection) -> int:
    """How many migrations the store's schema_version table records."""
    row = conn.execute(text(f"SELECT MAX(version) AS version FROM {MIGRATIONS_TABLE}")).mappings().one()
    return int(row["version"] or 0)


def _check_version(row: RowMapping, expected_version: int | None) -> None:
    """Optimistic concurrency: an edit made against an older version is refused (409), never merged."""
    if expected_version is not None and row["version"] != expected_version:
        raise ConflictError(f"glossary {row['name']!r} is at version {row['version']}, not {expected_version}: "
                            "it changed since you read it; fetch it again and retry",
                            glossary=row["name"], current_version=row["version"])


def _not_found(name: str) -> GlossaryNotFoundError:
    return GlossaryNotFoundError(f"no glossary named {name!r}", glossary=name)


def _params(**values: Any) -> dict[str, Any]:
    return values


if TYPE_CHECKING:
    _: GlossaryStoreProtocol = GlossaryStore(":memory:")  # mypy checks that the class meets the interface
