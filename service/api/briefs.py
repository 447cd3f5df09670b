"""/v1/briefs: articles in, aligned bilingual briefs out (JSON, or XLIFF/TMX/TBX/text files).

``"store": true`` keeps a brief for review: ``GET /v1/briefs`` lists the tenant's stored briefs,
``GET /v1/briefs/{id}`` returns one in any format, ``PATCH /v1/briefs/{id}/segments/{sid}`` records a
reviewer's edit or confirmation (and teaches the memory), ``GET …/segments/{sid}/matches`` gives the
translation memories' matches for one segment, and ``DELETE /v1/briefs/{id}`` removes it. A stored
brief belongs to the key's tenant (service.storage.tenancy): another tenant's is 404 exactly as a
missing one; a reader stores and changes none (403).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import asdict
from typing import Any

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from werkzeug.exceptions import NotAcceptable

from service.api.bodies import brief_body, run_scoped
from service.api.brief_stream import stream_brief, wants_stream
from service.api.context import get_resources
from service.api.glossary_schemas import NAME
from service.api.media import JSON, require_body_types
from service.api.schemas import HAS_TEXT, BriefSchema, BriefsRequestSchema, RequestSchema, json_bool
from service.api.tenancy import current_tenant
from service.brief import Brief
from service.exports import ALL_FORMATS, MIMETYPES, export_brief
from service.memory.briefs import EDITS_MEMORY, MAX_EDIT_CHARS, StoredBrief, StoredBriefInfo
from service.memory.reuse import segment_matches
from service.pipeline import build_briefs

blp = Blueprint("briefs", __name__, url_prefix="/v1", description="Bilingual briefs of English articles")
blp.before_request(require_body_types())

ZIP = "application/zip"
MAX_LISTED = 100  # stored briefs per list page
MAX_MATCHES = 20  # memory matches per segment
# Files in the format asked for (Accept or ?format=); a zip when the format makes several files.
FILE_RESPONSES = {mimetype: {"schema": {"type": "string", "format": "binary"}}
                  for mimetype in [*(m for f, m in MIMETYPES.items() if f != "json"), ZIP]}


class FormatQuerySchema(Schema):
    format = fields.Str(validate=validate.OneOf(ALL_FORMATS), metadata={
        "description": "answer format; overrides Accept. xliff = XLIFF 2.0, xliff12 = XLIFF 1.2 "
                       "(one file per target language: a zip when there are several), tmx, tbx, text, markdown"})


class EditSchema(Schema):
    segment = fields.Str()
    lang = fields.Str()
    previous = fields.Str(metadata={"description": "the text the edit replaced"})
    previous_provenance = fields.Str()
    text = fields.Str()
    edited_at = fields.Str()


class StoredBriefSchema(BriefSchema):
    """A brief; ``id`` (and for a stored brief ``version`` and ``history``) when it was kept."""

    id = fields.Str()
    version = fields.Int()
    history = fields.List(fields.Nested(EditSchema), metadata={"description": "reviewer edits, oldest first"})
    owner = fields.Str(allow_none=True, metadata={
        "description": "a stored brief's owner scope (team:<team> or key:<key id>); null when shared"})


class SegmentEditSchema(RequestSchema):
    """One reviewer change: new text, a confirmation, or both (at least one)."""

    lang = fields.Str(required=True, metadata={"example": "ja"})
    text = fields.Str(validate=[validate.Length(min=1, max=MAX_EDIT_CHARS), HAS_TEXT],
                      metadata={"description": "the reviewer's translation (status edited; the old text kept in "
                                               "history; bidi and control characters removed, with a warning); "
                                               "the current text is no edit"})
    confirmed = json_bool(metadata={"description": "true: the translation is approved (status confirmed); "
                                                   "false: reopened (edited or draft again)"})
    memory = fields.Str(load_default=EDITS_MEMORY, validate=NAME, metadata={
        "description": "translation memory that learns an edited or confirmed translation "
                       "(later briefs reuse it as tm-exact)"})

    @validates_schema
    def a_change(self, data: dict[str, Any], **_: object) -> None:
        if "text" not in data and "confirmed" not in data:
            raise ValidationError("give text, confirmed or both", "text")


class BriefListQuerySchema(Schema):
    limit = fields.Int(load_default=20, validate=validate.Range(min=1, max=MAX_LISTED))
    offset = fields.Int(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))


class ReviewCountsSchema(Schema):
    segments = fields.Int(metadata={"description": "summary sentences, and the title when there is one"})
    segments_confirmed = fields.Int(metadata={"description": "sentences confirmed in every target language"})
    translations = fields.Int(metadata={"description": "sentences x target languages"})
    translations_confirmed = fields.Int()


class StoredBriefItemSchema(Schema):
    id = fields.Str()
    title = fields.Str(metadata={"description": "the brief's headline, else its first summary sentence"})
    target_langs = fields.List(fields.Str())
    review = fields.Nested(ReviewCountsSchema)
    version = fields.Int()
    created_at = fields.Str()
    updated_at = fields.Str()
    owner = fields.Str(allow_none=True)


class StoredBriefListSchema(Schema):
    briefs = fields.List(fields.Nested(StoredBriefItemSchema), metadata={"description": "newest first"})
    total = fields.Int(metadata={"description": "stored briefs the key may read"})


class MatchQuerySchema(Schema):
    lang = fields.Str(required=True, metadata={"description": "target language", "example": "ja"})
    limit = fields.Int(load_default=5, validate=validate.Range(min=1, max=MAX_MATCHES))


class MemoryMatchSchema(Schema):
    memory = fields.Str(metadata={"description": "the translation memory holding it"})
    source = fields.Str(metadata={"description": "the stored English sentence"})
    target = fields.Str(metadata={"description": "its stored translation"})
    score = fields.Float(metadata={"description": "similarity of the stored sentence to the segment's; 1.0 exact"})
    exact = fields.Bool()


class MatchListSchema(Schema):
    segment = fields.Str()
    lang = fields.Str()
    source = fields.Str(metadata={"description": "the segment's English"})
    matches = fields.List(fields.Nested(MemoryMatchSchema), metadata={"description": "exact first, then by score"})


def stored_body(stored: StoredBrief) -> dict[str, Any]:
    return {**stored.brief.to_dict(), "id": stored.id, "version": stored.version,
            "history": [asdict(e) for e in stored.history], "owner": stored.owner}


def listed_body(info: StoredBriefInfo) -> dict[str, Any]:
    listing = info.listing
    return {"id": info.id, "title": listing.title, "target_langs": list(listing.target_langs),
            "review": {"segments": listing.segments, "segments_confirmed": listing.segments_confirmed,
                       "translations": listing.translations,
                       "translations_confirmed": listing.translations_confirmed},
            "version": info.version, "created_at": info.created_at, "updated_at": info.updated_at,
            "owner": info.owner}


def requested_format(query_format: str | None) -> str:
    """``?format=`` if given, else the best match for Accept among the formats offered (406 if none)."""
    if query_format:
        return query_format
    if not request.accept_mimetypes:
        return "json"
    by_mimetype = {mimetype: fmt for fmt, mimetype in MIMETYPES.items()}
    best = request.accept_mimetypes.best_match([JSON, *[m for m in by_mimetype if m != JSON]])
    if best is None:
        raise NotAcceptable(f"briefs are available as {', '.join(by_mimetype)}, or name one with ?format=")
    return by_mimetype[best]


def file_response(briefs: list[Brief], fmt: str, stem: str = "brief") -> Response:
    """The briefs' files in ``fmt``: one file as itself, several as a zip archive."""
    named = [(f"{stem}{'' if len(briefs) == 1 else f'-{n}'}{suffix}", data)
             for n, brief in enumerate(briefs, 1) for suffix, data in export_brief(brief, fmt)]
    if len(named) == 1:
        name, data = named[0]
        response = Response(data, mimetype=MIMETYPES[fmt])
    else:
        name, buffer = f"{stem}-{fmt}.zip", io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for file_name, data in named:
                archive.writestr(file_name, data)
        response = Response(buffer.getvalue(), mimetype=ZIP)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blp.route("/briefs", methods=["POST"])
@blp.arguments(BriefsRequestSchema)
@blp.arguments(FormatQuerySchema, location="query", as_kwargs=True)
@blp.response(200, StoredBriefSchema, description="one brief; a JSON array of briefs when `texts` was given")
@blp.doc(responses={"200": {"content": {JSON: {"schema": StoredBriefSchema}, **FILE_RESPONSES}}})
def create_briefs(body: dict[str, Any], format: str | None = None) -> ResponseReturnValue:
    """Summarize each article and pair every summary sentence with its translations.

    With ``Accept: text/event-stream`` (and one ``text``) the brief comes as server-sent events:
    ``summary``, a ``segment`` per sentence as it is translated, ``entities``, ``meta``, ``done``
    (or ``error``).
    """
    if format is None and wants_stream():
        return stream_brief(body)
    fmt = requested_format(format)
    articles = body["texts"] if "texts" in body else [body["text"]]
    briefs, brief_req = run_scoped(body, articles, build_briefs, stores=body["store"])
    briefs_store = get_resources().memories.briefs
    ids = [briefs_store.save(b, tenant=brief_req.tenant) for b in briefs] if body["store"] else []
    if fmt != "json":
        response = file_response(briefs, fmt)
    elif "texts" in body:
        bodies = [{**brief_body(b, body["include"]), **({"id": ids[n]} if ids else {})} for n, b in enumerate(briefs)]
        response = jsonify(StoredBriefSchema(many=True).dump(bodies))
    else:
        response = jsonify(StoredBriefSchema().dump({**brief_body(briefs[0], body["include"]),
                                                     **({"id": ids[0]} if ids else {})}))
    if len(ids) == 1:
        response.headers["Location"] = f"/v1/briefs/{ids[0]}"
    return response


@blp.route("/briefs", methods=["GET"])
@blp.arguments(BriefListQuerySchema, location="query", as_kwargs=True)
@blp.response(200, StoredBriefListSchema)
def list_briefs(limit: int, offset: int) -> ResponseReturnValue:
    """The stored briefs the key may read (its own tenant's and the shared ones), newest first, with their
    title, languages and review progress."""
    store, tenant = get_resources().memories.briefs, current_tenant()
    return {"briefs": [listed_body(info) for info in store.list_briefs(tenant=tenant, limit=limit, offset=offset)],
            "total": store.count(tenant=tenant)}


@blp.route("/briefs/<bid>", methods=["GET"])
@blp.arguments(FormatQuerySchema, location="query", as_kwargs=True)
@blp.response(200, StoredBriefSchema, description="the stored brief with its edits, or a file (Accept or ?format=)")
@blp.doc(responses={"200": {"content": {JSON: {"schema": StoredBriefSchema}, **FILE_RESPONSES}}})
def get_brief(bid: str, format: str | None = None) -> ResponseReturnValue:
    """A stored brief as it stands after the reviewers' edits."""
    fmt = requested_format(format)
    stored = get_resources().memories.briefs.get(bid, tenant=current_tenant())
    if fmt != "json":
        return file_response([stored.brief], fmt, stem=f"brief-{stored.id[:8]}")
    return stored_body(stored)


@blp.route("/briefs/<bid>/segments/<sid>", methods=["PATCH"])
@blp.arguments(SegmentEditSchema)
@blp.response(200, StoredBriefSchema, description="the brief after the edit")
def edit_segment(body: dict[str, Any], bid: str, sid: str) -> ResponseReturnValue:
    """Record a reviewer's translation of one segment (provenance "edited", the old text kept as history),
    or confirm it (status "confirmed"), or both.

    Entity mentions are re-anchored on new text; an entity the edit removed is flagged. The numbers,
    untranslated and script checks judge new text (its ``quality``), and the brief's count of segments
    needing review is updated. An edited or confirmed translation goes into a translation memory, so the
    next brief of that sentence reuses it.
    """
    resources = get_resources()
    stored = resources.memories.briefs.review(bid, sid, body["lang"], text=body.get("text"),
                                              confirmed=body.get("confirmed"), memory=body["memory"],
                                              tenant=current_tenant(), quality=resources.settings.quality)
    return stored_body(stored)


@blp.route("/briefs/<bid>/segments/<sid>/matches", methods=["GET"])
@blp.arguments(MatchQuerySchema, location="query", as_kwargs=True)
@blp.response(200, MatchListSchema)
def segment_memory_matches(bid: str, sid: str, lang: str, limit: int) -> ResponseReturnValue:
    """Translation-memory matches for one segment of a stored brief: the exact match, then fuzzy ones at or
    above ``memory.fuzzy_threshold`` with their scores, from the memories the key may read."""
    resources, tenant = get_resources(), current_tenant()
    stored = resources.memories.briefs.get(bid, tenant=tenant)
    segment = stored.segment(sid, lang)
    matches = segment_matches(resources.memories, stored.brief.meta.source_lang or "en", lang, segment.en,
                              threshold=resources.settings.memory.fuzzy_threshold, limit=limit, tenant=tenant)
    return {"segment": sid, "lang": lang, "source": segment.en,
            "matches": [{**asdict(m), "exact": m.score >= 1.0} for m in matches]}


@blp.route("/briefs/<bid>", methods=["DELETE"])
@blp.response(204)
def delete_brief(bid: str) -> None:
    """Delete a stored brief and its edit history (what its edits taught the memory stays)."""
    get_resources().memories.briefs.delete(bid, tenant=current_tenant())
