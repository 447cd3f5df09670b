"""Stored briefs: kept for review, read back in any format, edited and confirmed segment by segment.

A reviewer's edit replaces one translation (``provenance: "edited"``, status ``edited``), keeps the
text it replaced as history, re-anchors entity mentions on the new text (an entity the edit removed
is flagged), runs the quality checks that apply to human text again (numbers, untranslated,
script), and goes into a translation memory so the next brief of the same sentence reuses it.
Confirming a translation (status ``confirmed``) teaches the memory the same way; an edit after a
confirmation reopens it. Each brief's title, languages and review counts are kept beside its body
(:mod:`service.memory.listing`) so a list needs no bodies.
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
from service.memory.listing import Listing, listing
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

    def segment(self, segment_id: str, lang: str) -> AlignedSegment:
        """The segment ``segment_id``, which must have a ``lang`` translation (NotFound / BadInput otherwise)."""
        segment = next((s for s in self.brief.units() if s.id == segment_id), None)  # the title too
        if segment is None:
            raise NotFoundError(f"brief {self.id} has no segment {segment_id!r}")
        if lang not in segment.translations:
            raise BadInputError(f"segment {segment_id} has no {lang!r} translation; "
                                f"its languages are {', '.join(segment.translations)}")
        return segment


@dataclass(frozen=True)
class StoredBriefInfo:
    """A stored brief in a listing (without its body)."""

    id: str
    version: int
    owner: str | None
    created_at: str
    updated_at: str
    listing: Listing


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


def _status_after(segment: AlignedSegment, lang: str, *, edited: bool, confirmed: bool | None) -> str:
    """A translation's review status after a change: confirmed on request, else edited or draft by provenance."""
    if confirmed:
        return "confirmed"
    if not edited and confirmed is None:
        return segment.status.get(lang, "draft")
    return "edited" if segment.provenance.get(lang) == "edited" else "draft"


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
        bid, stamp, body = uuid.uuid4().hex, now(), brief.to_dict()
        with self.database.transaction(write=True) as conn:
            conn.execute(sql(f"INSERT INTO stored_briefs (id, body, version, owner, created_at, updated_at, "
                             f"{', '.join(_LISTED)}) VALUES (:id, :body, 1, :owner, :at, :at, "
                             f"{', '.join(':' + c for c in _LISTED)})"),
                         {"id": bid, "body": json.dumps(body, ensure_ascii=False), "owner": tenant.owner,
                          "at": stamp, **listing(body).columns()})
        return bid

    def get(self, bid: str, *, tenant: Tenant = OPERATOR) -> StoredBrief:
        """The stored brief, if ``tenant`` may read it (another tenant's is not found, as a missing one)."""
        with self.database.transaction() as conn:
            return self._load(conn, bid, tenant)

    def list_briefs(self, *, tenant: Tenant = OPERATOR, limit: int | None = None,
                    offset: int = 0) -> list[StoredBriefInfo]:
        """The stored briefs ``tenant`` may read (its own and the shared ones; the operator: all), newest first;
        ``limit`` of them from ``offset`` on."""
        where, params = visible_clause(tenant)
        page = "" if limit is None else " LIMIT :limit OFFSET :offset"
        with self.database.transaction() as conn:
            rows = conn.execute(sql(f"SELECT id, version, owner, created_at, updated_at, {', '.join(_LISTED)} "
                                    f"FROM stored_briefs WHERE {where} ORDER BY created_at DESC, id{page}"),
                                {**params, "limit": limit, "offset": offset}).all()
        return [StoredBriefInfo(row.id, int(row.version), row.owner, row.created_at, row.updated_at, Listing(
            row.title or "", tuple(json.loads(row.target_langs or "[]")), int(row.segment_count or 0),
            int(row.segments_confirmed or 0), int(row.translation_count or 0), int(row.translations_confirmed or 0)))
            for row in rows]

    def count(self, *, tenant: Tenant = OPERATOR) -> int:
        """How many stored briefs ``tenant`` may read."""
        where, params = visible_clause(tenant)
        with self.database.transaction() as conn:
            return int(conn.execute(sql(f"SELECT COUNT(*) FROM stored_briefs WHERE {where}"), params).scalar_one())

    def edit(self, bid: str, segment_id: str, lang: str, text: str, *, memory: str = EDITS_MEMORY,
             tenant: Tenant = OPERATOR, quality: QualityOptions | None = None) -> StoredBrief:
        """Record a reviewer's translation of one segment; ``tenant``'s own memory ``memory`` learns it in the
        same transaction. The quality checks for human text judge the new text (``quality``: the settings)."""
        return self.review(bid, segment_id, lang, text=text, memory=memory, tenant=tenant, quality=quality)

    def review(self, bid: str, segment_id: str, lang: str, *, text: str | None = None, confirmed: bool | None = None,
               memory: str = EDITS_MEMORY, tenant: Tenant = OPERATOR,
               quality: QualityOptions | None = None) -> StoredBrief:
        """A reviewer's change to one translation: new ``text`` (status edited; the old text kept as history and
        judged again by the quality checks for human text, ``quality`` the settings), ``confirmed`` True (status
        confirmed) or False (reopened: edited or draft again), or both at once.

        ``tenant``'s own memory ``memory`` learns the translation an edit or a confirmation leaves, in the
        same transaction. Text equal to the current one is an edit too: the reviewer keeps it as theirs.
        Bidi and control characters are removed from ``text`` before anything else (a ``controls-removed``
        warning on the segment says so).
        """
        if text is None and confirmed is None:
            raise BadInputError("a segment change needs text, confirmed or both")
        removed = Removed()
        if text is not None:
            text = removed.clean(text)  # stored text never carries bidi or control characters
        if text is not None and not text.strip():
            raise BadInputError("an edited translation must not be empty")
        if text is not None and len(text) > MAX_EDIT_CHARS:
            raise BadInputError(f"an edited translation is limited to {MAX_EDIT_CHARS} characters")
        with self.database.transaction(write=True) as conn:
            stored = self._load(conn, bid, tenant)
            require_change(tenant, stored.owner, hidden=_not_found(bid), noun="stored brief")
            brief, segment = stored.brief, stored.segment(segment_id, lang)
            stamp = now()
            edited = text is not None  # the same text again is a reviewer's text too (judged as human text)
            if edited:
                self._record_edit(conn, bid, brief, segment, lang, str(text), stamp)
                if removed:
                    brief.meta.warnings.append(BriefWarning(CONTROLS_REMOVED, removed.message("from the edit"),
                                                            segment_id, lang))
                reassess_segment(brief, segment_id, lang, quality or QualityOptions())
            status = _status_after(segment, lang, edited=edited, confirmed=confirmed)
            if not edited and status == segment.status.get(lang, "draft"):
                return stored  # nothing changes: no new version, nothing learned
            segment.status[lang] = status
            body = brief.to_dict()
            conn.execute(sql("UPDATE stored_briefs SET body = :body, version = version + 1, updated_at = :at, "
                             f"{', '.join(f'{c} = :{c}' for c in _LISTED)} WHERE id = :id"),
                         {"body": json.dumps(body, ensure_ascii=False), "at": stamp, "id": bid,
                          **listing(body).columns()})
            if edited or confirmed:
                unit = MemoryUnit(brief.meta.source_lang or "en", lang, segment.en, segment.translations[lang],
                                  f"brief {bid}#{segment_id}")
                self.memories.add_units_in(conn, memory, [unit], tenant=tenant)
            return self._load(conn, bid, tenant)

    @staticmethod
    def _record_edit(conn: Connection, bid: str, brief: Brief, segment: AlignedSegment, lang: str, text: str,
                     stamp: str) -> None:
        """Put ``text`` in as the translation (entities re-anchored, stale warnings dropped) and keep the old one."""
        previous, previous_provenance = segment.translations[lang], segment.provenance.get(lang, "model")
        # Two steps: replace_translation drops the cell's old warnings from brief.meta.warnings itself
        # (``brief.meta.warnings += replace_translation(...)`` would put them back).
        found = replace_translation(brief, segment.id, lang, text, "edited")
        brief.meta.warnings.extend(found)
        conn.execute(sql("INSERT INTO stored_brief_edits (id, brief_id, segment, lang, previous, "
                         "previous_provenance, text, edited_at) VALUES (:id, :bid, :segment, :lang, :previous, "
                         ":previous_provenance, :text, :at)"),
                     {"id": uuid.uuid4().hex, "bid": bid, "segment": segment.id, "lang": lang,
                      "previous": previous, "previous_provenance": previous_provenance, "text": text, "at": stamp})

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


_LISTED = ("title", "target_langs", "segment_count", "segments_confirmed", "translation_count",
           "translations_confirmed")


def _not_found(bid: str) -> BriefNotFoundError:
    return BriefNotFoundError(f"no stored brief {bid!r} (POST /v1/briefs with \"store\": true keeps one)")
