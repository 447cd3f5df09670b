"""Named translation memories in the service's store database (``store_url``: SQLite or PostgreSQL).

Every call acts for a :class:`~service.storage.tenancy.Tenant` (default: the local operator, who sees
everything) under :mod:`service.storage.tenancy`'s rules, as glossaries do: a tenant lists, finds and
reuses its own memories and the shared ones; by name its own comes first, then a shared one;
another tenant's memory is "not found", exactly as a missing one; a change it may see but not
make is ForbiddenError. A memory is created in the tenant's scope (``owner``).
"""
from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, text
from sqlalchemy import text as sql

from service.brief import BriefWarning
from service.errors import ConflictError, NotFoundError
from service.glossary.validation import validate_name
from service.memory.db import MemoryDatabase, name_key, now
from service.memory.files import MemoryMatch, MemoryUnit, match_key, read_memory_file, write_memory_tmx
from service.memory.protocols import Checkpoint
from service.storage.tenancy import OPERATOR, Tenant, may_read, require_change, require_create, visible_clause
from service.text import CONTROLS_REMOVED, Removed

if TYPE_CHECKING:
    from service.memory.briefs import BriefStore

MAX_CANDIDATES = 5000
CHECK_EVERY = 200  # fuzzy candidates scored between two deadline checks
KEY_CHUNK = 500  # match keys per IN (...) query


class MemoryNotFoundError(NotFoundError):
    code, title = "memory-not-found", "Translation memory not found"


@dataclass(frozen=True)
class MemoryInfo:
    name: str
    unit_count: int
    pairs: tuple[str, ...]  # "en-ja", ...
    created_at: str
    updated_at: str
    owner: str | None = None  # the owner scope ("team:x", "key:bk_.."); None: shared data
    warnings: tuple[BriefWarning, ...] = ()  # after an import: what was done to the units (controls-removed)


def validate_memory_name(name: str) -> str:
    """``name`` if it can name a memory, else BadInputError (the same rules as glossary names)."""
    return validate_name(name, "translation memory")


def clean_units(units: Sequence[MemoryUnit]) -> tuple[list[MemoryUnit], Removed]:
    """The units without bidi controls and NUL/control characters (every stored text is clean), and how many
    were removed. A unit left with no source or no translation is dropped: it can match nothing."""
    removed = Removed()

    def clean(value: str) -> str:
        return removed.clean(value) if isinstance(value, str) else value  # the database refuses a non-text

    def blank(value: str) -> bool:
        return isinstance(value, str) and not value.strip()

    cleaned = [dataclasses.replace(u, source=clean(u.source), target=clean(u.target), origin=clean(u.origin))
               for u in units]
    return [u for u in cleaned if not (blank(u.source) or blank(u.target))], removed


def _not_found(name: str) -> MemoryNotFoundError:
    return MemoryNotFoundError(f"no translation memory named {name!r} (see `tm list`)")


class MemoryStore:
    """Translation memories at a store URL or SQLite path; the database is opened (and migrated) on first use."""

    def __init__(self, path_or_url: Path | str, *, pool_size: int = 5) -> None:
        self.database = MemoryDatabase(path_or_url, pool_size=pool_size)
        self._transaction = self.database.transaction
        self._briefs: BriefStore | None = None

    @property
    def briefs(self) -> BriefStore:
        """Stored briefs, in the same database (an edit and the unit it teaches commit together)."""
        if self._briefs is None:
            from service.memory.briefs import BriefStore

            self._briefs = BriefStore(self.database, self)
        return self._briefs

    def schema_version(self) -> int:
        """How many memory/stored-brief migrations the store has."""
        return self.database.schema_version()

    def close(self) -> None:
        self.database.close()

    # -- memories ---------------------------------------------------------------------------------

    def import_file(self, data: bytes, name: str, *, file: str | None = None,
                    tenant: Tenant = OPERATOR) -> MemoryInfo:
        """Add every translated unit of an XLIFF or TMX file to memory ``name`` (created when missing).

        The file is read completely before anything is written, and written in one
        transaction: a bad file leaves the store as it was.
        """
        validate_memory_name(name)
        return self.add_units(name, read_memory_file(data, file), tenant=tenant)

    def add_units(self, name: str, units: Sequence[MemoryUnit], *, tenant: Tenant = OPERATOR) -> MemoryInfo:
        """Store ``units`` in memory ``name``; a unit with the same source and languages replaces the old one.

        ``name`` is the memory ``tenant`` sees by that name (its own, else a shared one), which it
        must be allowed to change; when there is none, a new one in ``tenant``'s scope (for the
        operator: shared, as the glossaries the operator creates by name).
        """
        validate_memory_name(name)
        with self._transaction(write=True) as conn:
            row = self._find(conn, name, tenant, missing_ok=True, any_owner=False)
            if row is not None:
                require_change(tenant, row.owner, hidden=_not_found(name), noun="translation memory")
            return self._add(conn, row.id if row is not None else None, name, tenant, units)

    def add_units_in(self, conn: Connection, name: str, units: Sequence[MemoryUnit], *,
                     tenant: Tenant = OPERATOR) -> MemoryInfo:
        """Add ``units`` to ``tenant``'s OWN memory ``name`` (created when missing) inside the caller's write
        transaction: a brief edit and the unit it teaches commit together.

        Only the tenant's own scope, never a shared memory of that name: an editor's edits must not
        start failing (403) because single-user mode once made a shared memory with the same name.
        """
        validate_memory_name(name)
        row = conn.execute(text("SELECT id FROM tm_memories WHERE name_key = :key"),
                           {"key": name_key(tenant.owner, name)}).first()
        if row is not None:
            require_change(tenant, tenant.owner, hidden=_not_found(name), noun="translation memory")
        return self._add(conn, row.id if row is not None else None, name, tenant, units)

    def _add(self, conn: Connection, mid: str | None, name: str, tenant: Tenant,
             units: Sequence[MemoryUnit]) -> MemoryInfo:
        stamp = now()
        if mid is None:
            require_create(tenant, noun="translation memory")
            mid = uuid.uuid4().hex
            conn.execute(text("INSERT INTO tm_memories (id, name, name_key, owner, created_at, updated_at) "
                              "VALUES (:id, :name, :key, :owner, :at, :at)"),
                         {"id": mid, "name": name, "key": name_key(tenant.owner, name), "owner": tenant.owner,
                          "at": stamp})
        else:
            conn.execute(text("UPDATE tm_memories SET updated_at = :at WHERE id = :id"), {"at": stamp, "id": mid})
        units, removed = clean_units(units)
        for unit in units:
            key = match_key(unit.source)
            params = {"mid": mid, "sl": unit.source_lang, "tl": unit.target_lang, "key": key}
            conn.execute(text("DELETE FROM tm_units WHERE memory_id = :mid AND source_lang = :sl "
                              "AND target_lang = :tl AND source_key = :key"), params)
            conn.execute(text("INSERT INTO tm_units (id, memory_id, source_lang, target_lang, source, source_key, "
                              "key_length, target, origin, created_at) VALUES (:id, :mid, :sl, :tl, :source, :key, "
                              ":length, :target, :origin, :at)"),
                         {**params, "id": uuid.uuid4().hex, "source": unit.source, "length": len(key),
                          "target": unit.target, "origin": unit.origin[:200], "at": stamp})
        info = self._info(conn, mid)
        if removed:
            return dataclasses.replace(info, warnings=(BriefWarning(CONTROLS_REMOVED, removed.message(
                "from the units before storing them")),))
        return info

    def list_memories(self, *, tenant: Tenant = OPERATOR) -> list[MemoryInfo]:
        """The memories ``tenant`` may read (its own and the shared ones; the operator: all), by name."""
        where, params = visible_clause(tenant)
        with self._transaction() as conn:
            ids = [r[0] for r in conn.execute(text(f"SELECT id FROM tm_memories WHERE {where} "
                                                   "ORDER BY LOWER(name), name_key"), params)]
            return [self._info(conn, mid) for mid in ids]

    def get(self, name: str, *, tenant: Tenant = OPERATOR) -> MemoryInfo:
        with self._transaction() as conn:
            return self._info(conn, self._find(conn, name, tenant).id)

    def units(self, name: str, *, tenant: Tenant = OPERATOR) -> list[MemoryUnit]:
        """The memory's units in the order they were stored."""
        with self._transaction() as conn:
            rows = conn.execute(text("SELECT source_lang, target_lang, source, target, origin FROM tm_units "
                                     "WHERE memory_id = :mid ORDER BY created_at, source_key, target_lang"),
                                {"mid": self._find(conn, name, tenant).id}).all()
        return [MemoryUnit(*row) for row in rows]

    def export_tmx(self, name: str, *, tenant: Tenant = OPERATOR) -> bytes:
        """Memory ``name`` as a TMX 1.4b document."""
        return write_memory_tmx(self.units(name, tenant=tenant))

    def delete(self, name: str, *, tenant: Tenant = OPERATOR) -> None:
        with self._transaction(write=True) as conn:
            row = self._find(conn, name, tenant)
            require_change(tenant, row.owner, hidden=_not_found(name), noun="translation memory")
            conn.execute(text("DELETE FROM tm_memories WHERE id = :id"), {"id": row.id})

    @staticmethod
    def _find(conn: Connection, name: str, tenant: Tenant, *, missing_ok: bool = False,
              any_owner: bool = True) -> Any:
        """The row ``tenant`` means by ``name``: its own first, then a shared one; another tenant's memory
        is not found, exactly as a missing one (the operator, with ``any_owner``, may name one when the
        name is unambiguous)."""
        own, shared = name_key(tenant.owner, str(name)), name_key(None, str(name))
        rows = conn.execute(text("SELECT id, name, name_key, owner FROM tm_memories WHERE name_key IN (:own, :shared)"),
                            {"own": own, "shared": shared}).all()
        visible = sorted((r for r in rows if may_read(tenant, r.owner)), key=lambda r: r.name_key != own)
        if not visible and tenant.sees_everything and any_owner:
            visible = list(conn.execute(text("SELECT id, name, name_key, owner FROM tm_memories "
                                             "WHERE owner IS NOT NULL AND LOWER(name) = :name"),
                                        {"name": str(name).casefold()}))
            if len(visible) > 1:
                raise ConflictError(f"several translation memories are named {name!r} (owners "
                                    f"{', '.join(sorted(r.owner for r in visible))})")
        if visible:
            return visible[0]
        if missing_ok:
            return None
        raise _not_found(name)

    @staticmethod
    def _info(conn: Connection, mid: str) -> MemoryInfo:
        row = conn.execute(text("SELECT name, created_at, updated_at, owner FROM tm_memories WHERE id = :id"),
                           {"id": mid}).one()
        count = conn.execute(text("SELECT COUNT(*) FROM tm_units WHERE memory_id = :id"), {"id": mid}).scalar_one()
        pairs = tuple(f"{s}-{t}" for s, t in conn.execute(text(
            "SELECT DISTINCT source_lang, target_lang FROM tm_units WHERE memory_id = :id "
            "ORDER BY source_lang, target_lang"), {"id": mid}))
        return MemoryInfo(row.name, int(count), pairs, row.created_at, row.updated_at, row.owner)

    # -- matching (``tenant``: only the memories it may read; the pipeline's default: all) ---------

    def has_pair(self, source_lang: str, target_lang: str, *, tenant: Tenant = OPERATOR) -> bool:
        """Whether any memory holds translations from ``source_lang`` into ``target_lang``."""
        visible, params = visible_clause(tenant, "m.owner")
        with self._transaction() as conn:
            return conn.execute(text(
                "SELECT 1 FROM tm_units u JOIN tm_memories m ON m.id = u.memory_id "
                f"WHERE u.source_lang = :sl AND u.target_lang = :tl AND {visible} LIMIT 1"),
                {"sl": source_lang, "tl": target_lang, **params}).first() is not None

    def exact(self, source_lang: str, target_lang: str, sources: Sequence[str], *,
              tenant: Tenant = OPERATOR) -> dict[str, MemoryMatch]:
        """Exact matches by match key; the most recently stored translation wins."""
        keys = sorted({match_key(s) for s in sources if s.strip()})
        found: dict[str, MemoryMatch] = {}
        visible, params = visible_clause(tenant, "m.owner")
        query = text(f"{_CANDIDATES} WHERE u.source_lang = :sl AND u.target_lang = :tl AND {visible} "
                     "AND u.source_key IN :keys ORDER BY u.created_at").bindparams(bindparam("keys", expanding=True))
        with self._transaction() as conn:
            for start in range(0, len(keys), KEY_CHUNK):
                rows = conn.execute(query, {"sl": source_lang, "tl": target_lang, **params,
                                            "keys": keys[start:start + KEY_CHUNK]})
                for memory, source, key, target in rows:
                    found[key] = MemoryMatch(memory, source, target, 1.0)
        return found

    def fuzzy(self, source_lang: str, target_lang: str, text: str, threshold: float,
              limit: int = 1, *, tenant: Tenant = OPERATOR, checkpoint: Checkpoint | None = None) -> list[MemoryMatch]:
        """The best stored translations of sentences similar to ``text`` (score ≥ threshold, < 1);
        ``checkpoint`` is called every ``CHECK_EVERY`` candidates (the request's deadline)."""
        key = match_key(text)
        if not key or limit < 1:
            return []
        # A ratio of at least t needs lengths within a factor t of each other.
        low, high = int(len(key) * threshold), int(len(key) / max(threshold, 0.01)) + 1
        visible, params = visible_clause(tenant, "m.owner")
        with self._transaction() as conn:
            rows = conn.execute(sql(
                f"{_CANDIDATES} WHERE u.source_lang = :sl AND u.target_lang = :tl AND {visible} "
                "AND u.key_length BETWEEN :low AND :high AND u.source_key <> :key LIMIT :limit"),
                {"sl": source_lang, "tl": target_lang, "low": low, "high": high, "key": key,
                 "limit": MAX_CANDIDATES, **params}).all()
        matches = []
        for number, (memory, source, candidate, target) in enumerate(rows):
            if checkpoint is not None and number % CHECK_EVERY == 0:
                checkpoint("translation-memory matching")
            matcher = SequenceMatcher(None, key, candidate, autojunk=False)
            if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                continue
            score = matcher.ratio()
            if score >= threshold:
                matches.append(MemoryMatch(memory, source, target, round(score, 3)))
        matches.sort(key=lambda m: -m.score)
        return matches[:limit]


_CANDIDATES = "SELECT m.name, u.source, u.source_key, u.target FROM tm_units u JOIN tm_memories m ON m.id = u.memory_id"
