"""Stored briefs: kept for review, read back in any format, edited segment by segment.

A reviewer's edit replaces one translation (``provenance: "edited"``), keeps the text it
replaced as history, re-anchors entity mentions on the new text (an entity the edit removed
is flagged), and goes into a translation memory so the next brief of the same sentence reuses it.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from service.brief import AlignedSegment, Brief, BriefMeta, BriefWarning, EntityMention, EntityReport
from service.errors import BadInputError, NotFoundError
from service.memory.db import StoreFile, now
from service.memory.files import MemoryUnit
from service.memory.protocols import MemoryWriter
from service.memory.reuse import replace_translation

EDITS_MEMORY = "edits"
MAX_EDIT_CHARS = 5000


class BriefNotFoundError(NotFoundError):
    code, title = "brief-not-found", "Brief not found"


@dataclass(frozen=True)
class Edit:
    segment: str
    lang: str
    previous: str
    previous_provenance: str
    text: str
    edited_at: str


@dataclass
class StoredBrief:
    id: str
    brief: Brief
    version: int
    history: list[Edit]
    created_at: str
    updated_at: str


def brief_from_dict(data: dict[str, Any]) -> Brief:
    """The inverse of ``Brief.to_dict()``."""
    meta = dict(data["meta"])
    meta["warnings"] = [BriefWarning(**w) for w in meta.get("warnings", [])]
    return Brief(
        segments=[AlignedSegment(**s) for s in data["segments"]],
        entities=[EntityReport(**{**e, "mentions": [EntityMention(**m) for m in e.get("mentions", [])]})
                  for e in data.get("entities", [])],
        meta=BriefMeta(**meta),
    )


class BriefStore:
    """Stored briefs in the desk's store file; edits feed ``memories``."""

    def __init__(self, file: StoreFile, memories: MemoryWriter) -> None:
        self.file = file
        self.memories = memories

    def save(self, brief: Brief) -> str:
        """Keep ``brief``; returns its new id."""
        bid, stamp = uuid.uuid4().hex, now()
        with self.file.transaction(write=True) as conn:
            conn.execute("INSERT INTO stored_briefs (id, body, version, created_at, updated_at) VALUES (?, ?, 1, ?, ?)",
                         (bid, json.dumps(brief.to_dict(), ensure_ascii=False), stamp, stamp))
        return bid

    def get(self, bid: str) -> StoredBrief:
        with self.file.transaction() as conn:
            return self._load(conn, bid)

    def edit(self, bid: str, segment_id: str, lang: str, text: str, *, memory: str = EDITS_MEMORY) -> StoredBrief:
        """Record a reviewer's translation of one segment; the memory learns it in the same transaction."""
        if not text.strip():
            raise BadInputError("an edited translation must not be empty")
        if len(text) > MAX_EDIT_CHARS:
            raise BadInputError(f"an edited translation is limited to {MAX_EDIT_CHARS} characters")
        with self.file.transaction(write=True) as conn:
            stored = self._load(conn, bid)
            brief = stored.brief
            segment = next((s for s in brief.segments if s.id == segment_id), None)
            if segment is None:
                raise NotFoundError(f"brief {bid} has no segment {segment_id!r}")
            if lang not in segment.translations:
                raise BadInputError(f"segment {segment_id} has no {lang!r} translation; "
                                    f"its languages are {', '.join(segment.translations)}")
            previous, previous_provenance = segment.translations[lang], segment.provenance.get(lang, "model")
            brief.meta.warnings += replace_translation(brief, segment_id, lang, text, "edited")
            stamp = now()
            conn.execute("INSERT INTO stored_brief_edits (id, brief_id, segment, lang, previous, previous_provenance, "
                         "text, edited_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (uuid.uuid4().hex, bid, segment_id, lang, previous, previous_provenance, text, stamp))
            conn.execute("UPDATE stored_briefs SET body = ?, version = version + 1, updated_at = ? WHERE id = ?",
                         (json.dumps(brief.to_dict(), ensure_ascii=False), stamp, bid))
            unit = MemoryUnit(brief.meta.source_lang or "en", lang, segment.en, text, f"brief {bid}#{segment_id}")
            self.memories.add_units_in(conn, memory, [unit])
            return self._load(conn, bid)

    @staticmethod
    def _load(conn: Any, bid: str) -> StoredBrief:
        row = conn.execute("SELECT body, version, created_at, updated_at FROM stored_briefs WHERE id = ?",
                           (str(bid),)).fetchone()
        if row is None:
            raise BriefNotFoundError(f"no stored brief {bid!r} (POST /v1/briefs with \"store\": true keeps one)")
        history = [Edit(*r) for r in conn.execute(
            "SELECT segment, lang, previous, previous_provenance, text, edited_at FROM stored_brief_edits "
            "WHERE brief_id = ? ORDER BY edited_at", (bid,))]
        return StoredBrief(bid, brief_from_dict(json.loads(row[0])), int(row[1]), history, row[2], row[3])
