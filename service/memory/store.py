"""Named translation memories in the service's SQLite store file (``settings.store_path``)."""
from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING

from service.errors import NotFoundError
from service.glossary.validation import validate_name
from service.memory.db import StoreFile, now
from service.memory.files import MemoryMatch, MemoryUnit, match_key, read_memory_file, write_memory_tmx

if TYPE_CHECKING:
    from service.memory.briefs import BriefStore

MAX_CANDIDATES = 5000


class MemoryNotFoundError(NotFoundError):
    code, title = "memory-not-found", "Translation memory not found"


@dataclass(frozen=True)
class MemoryInfo:
    name: str
    unit_count: int
    pairs: tuple[str, ...]  # "en-ja", ...
    created_at: str
    updated_at: str


def validate_memory_name(name: str) -> str:
    """``name`` if it can name a memory, else BadInputError (the same rules as glossary names)."""
    return validate_name(name, "translation memory")


class MemoryStore:
    """Translation memories on SQLite; the file is opened (and migrated) on first use."""

    def __init__(self, path: Path | str) -> None:
        self.file = StoreFile(path)
        self._transaction = self.file.transaction
        self._briefs: BriefStore | None = None

    @property
    def briefs(self) -> BriefStore:
        """Stored briefs, in the same file and on the same connection."""
        if self._briefs is None:
            from service.memory.briefs import BriefStore

            self._briefs = BriefStore(self.file, self)
        return self._briefs

    def close(self) -> None:
        self.file.close()

    # -- memories ---------------------------------------------------------------------------------

    def import_file(self, data: bytes, name: str, *, file: str | None = None) -> MemoryInfo:
        """Add every translated unit of an XLIFF or TMX file to memory ``name`` (created when missing).

        The file is read completely before anything is written, and written in one
        transaction: a bad file leaves the store as it was.
        """
        validate_memory_name(name)
        return self.add_units(name, read_memory_file(data, file))

    def add_units(self, name: str, units: Sequence[MemoryUnit]) -> MemoryInfo:
        """Store ``units`` in memory ``name``; a unit with the same source and languages replaces the old one."""
        with self._transaction(write=True) as conn:
            return self.add_units_in(conn, name, units)

    def add_units_in(self, conn: sqlite3.Connection, name: str, units: Sequence[MemoryUnit]) -> MemoryInfo:
        """``add_units`` inside the caller's write transaction (a brief edit and its memory unit commit together)."""
        validate_memory_name(name)
        stamp = now()
        row = conn.execute("SELECT id FROM tm_memories WHERE name_key = ?", (name.casefold(),)).fetchone()
        if row is None:
            mid = uuid.uuid4().hex
            conn.execute("INSERT INTO tm_memories (id, name, name_key, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?)", (mid, name, name.casefold(), stamp, stamp))
        else:
            mid = row[0]
            conn.execute("UPDATE tm_memories SET updated_at = ? WHERE id = ?", (stamp, mid))
        for unit in units:
            key = match_key(unit.source)
            conn.execute("DELETE FROM tm_units WHERE memory_id = ? AND source_lang = ? AND target_lang = ? "
                         "AND source_key = ?", (mid, unit.source_lang, unit.target_lang, key))
            conn.execute("INSERT INTO tm_units (id, memory_id, source_lang, target_lang, source, source_key, "
                         "key_length, target, origin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (uuid.uuid4().hex, mid, unit.source_lang, unit.target_lang, unit.source, key,
                          len(key), unit.target, unit.origin[:200], stamp))
        return self._info(conn, mid)

    def list_memories(self) -> list[MemoryInfo]:
        """Every memory, by name."""
        with self._transaction() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM tm_memories ORDER BY name_key")]
            return [self._info(conn, mid) for mid in ids]

    def get(self, name: str) -> MemoryInfo:
        with self._transaction() as conn:
            return self._info(conn, self._id(conn, name))

    def units(self, name: str) -> list[MemoryUnit]:
        """The memory's units in the order they were stored."""
        with self._transaction() as conn:
            rows = conn.execute("SELECT source_lang, target_lang, source, target, origin FROM tm_units "
                                "WHERE memory_id = ? ORDER BY created_at, source_key, target_lang",
                                (self._id(conn, name),)).fetchall()
        return [MemoryUnit(*row) for row in rows]

    def export_tmx(self, name: str) -> bytes:
        """Memory ``name`` as a TMX 1.4b document."""
        return write_memory_tmx(self.units(name))

    def delete(self, name: str) -> None:
        with self._transaction(write=True) as conn:
            conn.execute("DELETE FROM tm_memories WHERE id = ?", (self._id(conn, name),))

    def _id(self, conn: sqlite3.Connection, name: str) -> str:
        row = conn.execute("SELECT id FROM tm_memories WHERE name_key = ?", (str(name).casefold(),)).fetchone()
        if row is None:
            raise MemoryNotFoundError(f"no translation memory named {name!r} (see `tm list`)")
        return str(row[0])

    @staticmethod
    def _info(conn: sqlite3.Connection, mid: str) -> MemoryInfo:
        name, created, updated = conn.execute("SELECT name, created_at, updated_at FROM tm_memories WHERE id = ?",
                                              (mid,)).fetchone()
        count = conn.execute("SELECT COUNT(*) FROM tm_units WHERE memory_id = ?", (mid,)).fetchone()[0]
        pairs = tuple(f"{s}-{t}" for s, t in conn.execute(
            "SELECT DISTINCT source_lang, target_lang FROM tm_units WHERE memory_id = ? ORDER BY 1, 2", (mid,)))
        return MemoryInfo(name, int(count), pairs, created, updated)

    # -- matching ---------------------------------------------------------------------------------

    def has_pair(self, source_lang: str, target_lang: str) -> bool:
        """Whether any memory holds translations from ``source_lang`` into ``target_lang``."""
        with self._transaction() as conn:
            return conn.execute("SELECT 1 FROM tm_units WHERE source_lang = ? AND target_lang = ? LIMIT 1",
                                (source_lang, target_lang)).fetchone() is not None

    def exact(self, source_lang: str, target_lang: str, sources: Sequence[str]) -> dict[str, MemoryMatch]:
        """Exact matches by match key; the most recently stored translation wins."""
        keys = sorted({match_key(s) for s in sources if s.strip()})
        found: dict[str, MemoryMatch] = {}
        with self._transaction() as conn:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                rows = conn.execute(
                    "SELECT m.name, u.source, u.source_key, u.target FROM tm_units u JOIN tm_memories m "
                    "ON m.id = u.memory_id WHERE u.source_lang = ? AND u.target_lang = ? AND u.source_key IN "
                    f"({', '.join('?' * len(chunk))}) ORDER BY u.created_at", (source_lang, target_lang, *chunk))
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
            rows = conn.execute(
                "SELECT m.name, u.source, u.source_key, u.target FROM tm_units u JOIN tm_memories m "
                "ON m.id = u.memory_id WHERE u.source_lang = ? AND u.target_lang = ? AND u.key_length BETWEEN ? AND ? "
                "AND u.source_key <> ? LIMIT ?", (source_lang, target_lang, low, high, key, MAX_CANDIDATES)).fetchall()
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
