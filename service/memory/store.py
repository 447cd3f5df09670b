"""Named translation memories in the service's store database (``store_url``: SQLite or PostgreSQL)."""
from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, bindparam, text

from service.errors import NotFoundError
from service.glossary.validation import validate_name
from service.memory.db import MemoryDatabase, now, owner_filter
from service.memory.files import MemoryMatch, MemoryUnit, match_key, read_memory_file, write_memory_tmx

if TYPE_CHECKING:
    from service.memory.briefs import BriefStore

MAX_CANDIDATES = 5000
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
    owner: str | None = None  # who owns it (an API key id); None: shared, single-user data


def validate_memory_name(name: str) -> str:
    """``name`` if it can name a memory, else BadInputError (the same rules as glossary names)."""
    return validate_name(name, "translation memory")


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

    def import_file(self, data: bytes, name: str, *, file: str | None = None, owner: str | None = None) -> MemoryInfo:
        """Add every translated unit of an XLIFF or TMX file to memory ``name`` (created when missing).

        The file is read completely before anything is written, and written in one
        transaction: a bad file leaves the store as it was. ``owner`` is recorded when the
        memory is created (an existing memory keeps its owner).
        """
        validate_memory_name(name)
        return self.add_units(name, read_memory_file(data, file), owner=owner)

    def add_units(self, name: str, units: Sequence[MemoryUnit], *, owner: str | None = None) -> MemoryInfo:
        """Store ``units`` in memory ``name``; a unit with the same source and languages replaces the old one."""
        with self._transaction(write=True) as conn:
            return self.add_units_in(conn, name, units, owner=owner)

    def add_units_in(self, conn: Connection, name: str, units: Sequence[MemoryUnit], *,
                     owner: str | None = None) -> MemoryInfo:
        """``add_units`` inside the caller's write transaction (a brief edit and its memory unit commit together)."""
        validate_memory_name(name)
        stamp = now()
        row = conn.execute(text("SELECT id FROM tm_memories WHERE name_key = :key"),
                           {"key": name.casefold()}).first()
        if row is None:
            mid = uuid.uuid4().hex
            conn.execute(text("INSERT INTO tm_memories (id, name, name_key, owner, created_at, updated_at) "
                              "VALUES (:id, :name, :key, :owner, :at, :at)"),
                         {"id": mid, "name": name, "key": name.casefold(), "owner": owner, "at": stamp})
        else:
            mid = row[0]
            conn.execute(text("UPDATE tm_memories SET updated_at = :at WHERE id = :id"), {"at": stamp, "id": mid})
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
        return self._info(conn, mid)

    def list_memories(self, *, owners: Collection[str | None] | None = None) -> list[MemoryInfo]:
        """Every memory, by name; with ``owners``, only those (None in it: the shared ones)."""
        where, params = owner_filter("owner", owners)
        with self._transaction() as conn:
            ids = [r[0] for r in conn.execute(text(f"SELECT id FROM tm_memories WHERE {where} ORDER BY name_key"),
                                              params)]
            return [self._info(conn, mid) for mid in ids]

    def get(self, name: str) -> MemoryInfo:
        with self._transaction() as conn:
            return self._info(conn, self._id(conn, name))

    def units(self, name: str) -> list[MemoryUnit]:
        """The memory's units in the order they were stored."""
        with self._transaction() as conn:
            rows = conn.execute(text("SELECT source_lang, target_lang, source, target, origin FROM tm_units "
                                     "WHERE memory_id = :mid ORDER BY created_at, source_key, target_lang"),
                                {"mid": self._id(conn, name)}).all()
        return [MemoryUnit(*row) for row in rows]

    def export_tmx(self, name: str) -> bytes:
        """Memory ``name`` as a TMX 1.4b document."""
        return write_memory_tmx(self.units(name))

    def delete(self, name: str) -> None:
        with self._transaction(write=True) as conn:
            conn.execute(text("DELETE FROM tm_memories WHERE id = :id"), {"id": self._id(conn, name)})

    @staticmethod
    def _id(conn: Connection, name: str) -> str:
        row = conn.execute(text("SELECT id FROM tm_memories WHERE name_key = :key"),
                           {"key": str(name).casefold()}).first()
        if row is None:
            raise MemoryNotFoundError(f"no translation memory named {name!r} (see `tm list`)")
        return str(row[0])

    @staticmethod
    def _info(conn: Connection, mid: str) -> MemoryInfo:
        row = conn.execute(text("SELECT name, created_at, updated_at, owner FROM tm_memories WHERE id = :id"),
                           {"id": mid}).one()
        count = conn.execute(text("SELECT COUNT(*) FROM tm_units WHERE memory_id = :id"), {"id": mid}).scalar_one()
        pairs = tuple(f"{s}-{t}" for s, t in conn.execute(text(
            "SELECT DISTINCT source_lang, target_lang FROM tm_units WHERE memory_id = :id "
            "ORDER BY source_lang, target_lang"), {"id": mid}))
        return MemoryInfo(row.name, int(count), pairs, row.created_at, row.updated_at, row.owner)

    # -- matching ---------------------------------------------------------------------------------

    def has_pair(self, source_lang: str, target_lang: str) -> bool:
        """Whether any memory holds translations from ``source_lang`` into ``target_lang``."""
        with self._transaction() as conn:
            return conn.execute(text("SELECT 1 FROM tm_units WHERE source_lang = :sl AND target_lang = :tl LIMIT 1"),
                                {"sl": source_lang, "tl": target_lang}).first() is not None

    def exact(self, source_lang: str, target_lang: str, sources: Sequence[str]) -> dict[str, MemoryMatch]:
        """Exact matches by match key; the most recently stored translation wins."""
        keys = sorted({match_key(s) for s in sources if s.strip()})
        found: dict[str, MemoryMatch] = {}
        query = text("SELECT m.name, u.source, u.source_key, u.target FROM tm_units u JOIN tm_memories m "
                     "ON m.id = u.memory_id WHERE u.source_lang = :sl AND u.target_lang = :tl "
                     "AND u.source_key IN :keys ORDER BY u.created_at").bindparams(bindparam("keys", expanding=True))
        with self._transaction() as conn:
            for start in range(0, len(keys), KEY_CHUNK):
                rows = conn.execute(query, {"sl": source_lang, "tl": target_lang,
                                            "keys": keys[start:start + KEY_CHUNK]})
                for memory, source, key, target in rows:
                    found[key] = MemoryMatch(memory, source, target, 1.0)
        return found

    def fuzzy(self, source_lang: str, target_lang: str, text: str, threshold: float,
              limit: int = 1) -> list[MemoryMatch]:
        """The best stored translations of sentences similar to ``text`` (score ≥ threshold, < 1)."""
        key = match_key(text)
        if not key or limit < 1:
            return []
        # A ratio of at least t needs lengths within a factor t of each other.
        low, high = int(len(key) * threshold), int(len(key) / max(threshold, 0.01)) + 1
        with self._transaction() as conn:
            rows = conn.execute(_FUZZY_CANDIDATES, {"sl": source_lang, "tl": target_lang, "low": low, "high": high,
                                                    "key": key, "limit": MAX_CANDIDATES}).all()
        matches = []
        for memory, source, candidate, target in rows:
            matcher = SequenceMatcher(None, key, candidate, autojunk=False)
            if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                continue
            score = matcher.ratio()
            if score >= threshold:
                matches.append(MemoryMatch(memory, source, target, round(score, 3)))
        matches.sort(key=lambda m: -m.score)
        return matches[:limit]


_FUZZY_CANDIDATES = text(
    "SELECT m.name, u.source, u.source_key, u.target FROM tm_units u JOIN tm_memories m ON m.id = u.memory_id "
    "WHERE u.source_lang = :sl AND u.target_lang = :tl AND u.key_length BETWEEN :low AND :high "
    "AND u.source_key <> :key LIMIT :limit")
