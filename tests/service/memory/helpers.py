"""Helpers shared by the translation-memory tests."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from service.brief import AlignedSegment, Brief, BriefMeta


def edit_target(root: Any, unit_id: str, text: str) -> None:
    """Replace a unit's target text (markers and all), namespace-aware, as a CAT tool would."""
    unit = next(u for u in root.iter("{*}unit", "{*}trans-unit") if u.get("id") == unit_id)
    target = next(unit.iter("{*}target"))
    for child in list(target):
        target.remove(child)
    target.text = text


# The schema exactly as the sqlite3 code created it (migrations 1 and 2, recorded in tm_schema_version).
OLD_MEMORIES = (
    """CREATE TABLE tm_memories (id VARCHAR(32) PRIMARY KEY, name VARCHAR(64) NOT NULL,
        name_key VARCHAR(64) NOT NULL UNIQUE, created_at VARCHAR(40) NOT NULL, updated_at VARCHAR(40) NOT NULL)""",
    """CREATE TABLE tm_units (id VARCHAR(32) PRIMARY KEY,
        memory_id VARCHAR(32) NOT NULL REFERENCES tm_memories(id) ON DELETE CASCADE,
        source_lang VARCHAR(8) NOT NULL, target_lang VARCHAR(8) NOT NULL, source TEXT NOT NULL,
        source_key TEXT NOT NULL, key_length INTEGER NOT NULL, target TEXT NOT NULL, origin VARCHAR(200) NOT NULL,
        created_at VARCHAR(40) NOT NULL, UNIQUE (memory_id, source_lang, target_lang, source_key))""",
    "CREATE INDEX tm_units_by_key ON tm_units (source_lang, target_lang, source_key)",
    "CREATE INDEX tm_units_by_length ON tm_units (source_lang, target_lang, key_length)",
)
OLD_STORED_BRIEFS = (
    """CREATE TABLE stored_briefs (id VARCHAR(32) PRIMARY KEY, body TEXT NOT NULL, version INTEGER NOT NULL,
        created_at VARCHAR(40) NOT NULL, updated_at VARCHAR(40) NOT NULL)""",
    """CREATE TABLE stored_brief_edits (id VARCHAR(32) PRIMARY KEY,
        brief_id VARCHAR(32) NOT NULL REFERENCES stored_briefs(id) ON DELETE CASCADE, segment VARCHAR(32) NOT NULL,
        lang VARCHAR(8) NOT NULL, previous TEXT NOT NULL, previous_provenance VARCHAR(16) NOT NULL,
        text TEXT NOT NULL, edited_at VARCHAR(40) NOT NULL)""",
    "CREATE INDEX stored_brief_edits_by_brief ON stored_brief_edits (brief_id, edited_at)",
)
STAMP = "2026-10-01T08:00:00.000000+00:00"
BRIEF = Brief(segments=[AlignedSegment("s1", 0, "Ferries resumed at Port Alder.",
                                       {"ja": "ポート・アルダーでフェリー再開。"}, {"ja": "edited"})],
              entities=[], meta=BriefMeta(target_langs=["ja"]))


def make_old_store(path: Path, *, with_briefs: bool) -> None:
    """A store file as the sqlite3 code left it: a memory with two units (and a stored brief with one edit)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE tm_schema_version (version INTEGER NOT NULL)")
    for statement in OLD_MEMORIES + (OLD_STORED_BRIEFS if with_briefs else ()):
        conn.execute(statement)
    conn.executemany("INSERT INTO tm_schema_version (version) VALUES (?)", [(1,), (2,)] if with_briefs else [(1,)])
    conn.execute("INSERT INTO tm_memories VALUES ('m1', 'Desk', 'desk', ?, ?)", (STAMP, STAMP))
    conn.executemany("INSERT INTO tm_units VALUES (?, 'm1', 'en', ?, ?, ?, ?, ?, 'old.tmx#1', ?)", [
        ("u1", "ja", "Ferries resumed.", "Ferries resumed.", 16, "フェリーが再開した。", STAMP),
        ("u2", "ko", "Ferries resumed.", "Ferries resumed.", 16, "페리가 재개됐다.", STAMP)])
    if with_briefs:
        conn.execute("INSERT INTO stored_briefs VALUES ('b1', ?, 2, ?, ?)",
                     (json.dumps(BRIEF.to_dict(), ensure_ascii=False), STAMP, STAMP))
        conn.execute("INSERT INTO stored_brief_edits VALUES ('e1', 'b1', 's1', 'ja', 'モデル訳', 'model', "
                     "'ポート・アルダーでフェリー再開。', ?)", (STAMP,))
    conn.commit()
    conn.close()
