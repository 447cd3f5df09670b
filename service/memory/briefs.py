"""Stored briefs: kept for review, read back in any format, edited segment by segment.

A reviewer's edit replaces one translation (``provenance: "edited"``), keeps the text it
replaced as history, re-anchors entity mentions on the new text (an entity the edit removed
is flagged), runs the quality checks that apply to human text again (numbers, untranslated,
script), and goes into a translation memory so the next brief of the same sentence reuses it.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import text as sql

from service.brief import (
    AlignedSegment,
    Brief,
    BriefMeta,
    BriefWarning,
    DroppedLine,
    EntityMention,
    EntityReport,
    QualitySummary,
    SegmentQuality,
)
from service.errors import BadInputError, NotFoundError
from service.memory.db import MemoryDatabase, now
from service.memory.files import MemoryUnit
from service.memory.protocols import MemoryWriter
from service.memory.reuse import replace_translation
from service.quality.review import reassess_segment
from service.settings import QualityOptions
from service.storage.tenancy import OPERATOR, Tenant, may_read, require_change, require_create, visible_clause
from service.text import CONTROLS_REMOVED, Removed

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
    owner: str | None = None  # the owner scope ("team:x", "key:bk_.."); None: shared data


@dataclass(frozen=True)
class StoredBriefInfo:
    """A stored brief in a listing (without its body)."""

    id: str
    version: int
    owner: str | None
    created_at: str
    updated_at: str


def brief_from_dict(data: dict[str, Any]) -> Brief:
    """The inverse of ``Brief.to_dict()`` (briefs stored before titles and dropped lines read as without)."""
    meta = dict(data["meta"])
    meta["warnings"] = [BriefWarning(**w) for w in meta.get("warnings", [])]
    meta["dropped"] = [DroppedLine(**d) for d in meta.get("dropped", [])]
    if meta.get("quality") is not None:
        meta["quality"] = QualitySummary(**meta["quality"])
    title = data.get("title")
    return Brief(
        segments=[_segment_from_dict(s) for s in data["segments"]],
        entities=[EntityReport(**{**e, "mentions": [EntityMention(**m) for m in e.get("mentions", [])]})
                  for e in data.get("entities", [])],
        meta=BriefMeta(**meta),
        title=_segment_from_dict(title) if title else None,
    )


def _segment_from_dict(data: dict[str, Any]) -> AlignedSegment:
    quality = {lang: SegmentQuality.from_dict(q) for lang, q in data.get("quality", {}).items()}
    return AlignedSegment(**{**data, "quality": quality})


class BriefStore:
    """Stored briefs in the store database; edits feed ``memories``."""

    def __init__(self, database: MemoryDatabase, memories: MemoryWriter) -> None:
        self.database = database
        self.memories = memories

    def save(self, brief: Brief, *, tenant: Tenant = OPERATOR) -> str:
        """Keep ``brief`` in ``tenant``'s scope; returns its new id."""
        require_create(tenant, noun="stored brief")
        bid, stamp = uuid.uuid4().hex, now()
        with self.database.transaction(write=True) as conn:
            conn.execute(sql("INSERT INTO stored_briefs (id, body, version, owner, created_at, updated_at) "
                             "VALUES (:id, :body, 1, :owner, :at, :at)"),
                         {"id": bid, "body": json.dumps(brief.to_dict(), ensure_ascii=False), "owner": tenant.owner,
                          "at": stamp})
        return bid

    def get(self, bid: str, *, tenant: Tenant = OPERATOR) -> StoredBrief:
        """The stored brief, if ``tenant`` may read it (another tenant's is not found, as a missing one)."""
        with self.database.transaction() as conn:
            return self._load(conn, bid, tenant)

    def list_briefs(self, *, tenant: Tenant = OPERATOR) -> list[StoredBriefInfo]:
        """The stored briefs ``tenant`` may read (its own and the shared ones; the operator: all), newest first."""
        where, params = visible_clause(tenant)
        with self.database.transaction() as conn:
            rows = conn.execute(sql("SELECT id, version, owner, created_at, updated_at FROM stored_briefs "
                                    f"WHERE {where} ORDER BY created_at DESC, id"), params).all()
        return [StoredBriefInfo(*row) for row in rows]

    def edit(self, bid: str, segment_id: str, lang: str, text: str, *, memory: str = EDITS_MEMORY,
             tenant: Tenant = OPERATOR, quality: QualityOptions | None = None) -> StoredBrief:
        """Record a reviewer's translation of one segment; ``tenant``'s own memory ``memory`` learns it in the
        same transaction. The quality checks for human text judge the new text (``quality``: the settings)."""
        removed = Removed()
        text = removed.clean(text)  # stored text never carries bidi or control characters
        if not text.strip():
            raise BadInputError("an edited translation must not be empty")
        if len(text) > MAX_EDIT_CHARS:
            raise BadInputError(f"an edited translation is limited to {MAX_EDIT_CHARS} characters")
        with self.database.transaction(write=True) as conn:
            stored = self._load(conn, bid, tenant)
            require_change(tenant, stored.owner, hidden=_not_found(bid), noun="stored brief")
            brief = stored.brief
            segment = next((s for s in brief.units() if s.id == segment_id), None)
            if segment is None:
                raise NotFoundError(f"brief {bid} has no segment {segment_id!r}")
            if lang not in segment.translations:
                raise BadInputError(f"segment {segment_id} has no {lang!r} translation; "
                                    f"its languages are {', '.join(segment.translations)}")
            previous, previous_provenance = segment.translations[lang], segment.provenance.get(lang, "model")
            brief.meta.warnings += replace_translation(brief, segment_id, lang, text, "edited")
            if removed:
                brief.meta.warnings.append(BriefWarning(CONTROLS_REMOVED, removed.message("from the edit"),
                                                        segment_id, lang))
            reassess_segment(brief, segment_id, lang, quality or QualityOptions())
            stamp = now()
            conn.execute(sql("INSERT INTO stored_brief_edits (id, brief_id, segment, lang, previous, "
                             "previous_provenance, text, edited_at) VALUES (:id, :bid, :segment, :lang, :previous, "
                             ":previous_provenance, :text, :at)"),
                         {"id": uuid.uuid4().hex, "bid": bid, "segment": segment_id, "lang": lang,
                          "previous": previous, "previous_provenance": previous_provenance, "text": text,
                          "at": stamp})
            conn.execute(sql("UPDATE stored_briefs SET body = :body, version = version + 1, updated_at = :at "
                             "WHERE id = :id"),
                         {"body": json.dumps(brief.to_dict(), ensure_ascii=False), "at": stamp, "id": bid})
            unit = MemoryUnit(brief.meta.source_lang or "en", lang, segment.en, text, f"brief {bid}#{segment_id}")
            self.memories.add_units_in(conn, memory, [unit], tenant=tenant)
            return self._load(conn, bid, tenant)

    def delete(self, bid: str, *, tenant: Tenant = OPERATOR) -> None:
        """Delete a stored brief and its edit history (the memory units its edits taught stay)."""
        with self.database.transaction(write=True) as conn:
            stored = self._load(conn, bid, tenant)
            require_change(tenant, stored.owner, hidden=_not_found(bid), noun="stored brief")
            conn.execute(sql("DELETE FROM stored_briefs WHERE id = :id"), {"id": bid})

    @staticmethod
    def _load(conn: Connection, bid: str, tenant: Tenant) -> StoredBrief:
        row = conn.execute(sql("SELECT body, version, created_at, updated_at, owner FROM stored_briefs "
                               "WHERE id = :id"), {"id": str(bid)}).first()
        if row is None or not may_read(tenant, row.owner):
            raise _not_found(bid)
        history = [Edit(*r) for r in conn.execute(sql(
            "SELECT segment, lang, previous, previous_provenance, text, edited_at FROM stored_brief_edits "
            "WHERE brief_id = :id ORDER BY edited_at, id"), {"id": bid})]
        return StoredBrief(bid, brief_from_dict(json.loads(row.body)), int(row.version), history, row.created_at,
                           row.updated_at, row.owner)


def _not_found(bid: str) -> BriefNotFoundError:
    return BriefNotFoundError(f"no stored brief {bid!r} (POST /v1/briefs with \"store\": true keeps one)")
