"""/v1/memories: translation memories from edited XLIFF or TMX files; each one out as TMX.

Every call acts for the request's tenant (:func:`service.api.tenancy.current_tenant`) under
:mod:`service.storage.tenancy`'s rules, as glossaries do: a key sees its own (its team's) memories and the
shared ones; another tenant's memory is 404, exactly as a missing one; a change the key may see
but not make is 403 (a reader importing or deleting; a non-admin changing a shared memory).
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response, request
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from werkzeug.exceptions import NotAcceptable, UnsupportedMediaType

from service.api.context import get_resources
from service.api.media import JSON
from service.api.schemas import WarningSchema
from service.api.tenancy import current_tenant
from service.exports import MIMETYPES
from service.memory.store import MemoryInfo

blp = Blueprint("memories", __name__, url_prefix="/v1/memories", description="Translation memories")

TMX = MIMETYPES["tmx"]
# Bodies a memory is imported from; the file's root element decides how it is read.
UPLOAD_TYPES = (MIMETYPES["xliff"], MIMETYPES["xliff12"], TMX, "application/xml", "text/xml")


class MemorySchema(Schema):
    name = fields.Str()
    unit_count = fields.Int()
    pairs = fields.List(fields.Str(), metadata={"description": "language pairs held, e.g. en-ja"})
    created_at = fields.Str()
    updated_at = fields.Str()
    owner = fields.Str(allow_none=True, metadata={
        "description": "the owner scope (team:<team> or key:<key id>); null for shared memories"})
    warnings = fields.List(fields.Nested(WarningSchema), metadata={
        "description": "after an import: what was done to the units (controls-removed)"})


class MemoryListSchema(Schema):
    memories = fields.List(fields.Nested(MemorySchema))


def _body(info: MemoryInfo) -> dict[str, Any]:
    body = asdict(info)
    warnings = body.pop("warnings")
    if warnings:
        body["warnings"] = [{k: v for k, v in w.items() if v is not None} for w in warnings]
    return body


@blp.before_request
def require_file_body() -> None:
    """415 unless a POST body is XLIFF or TMX (by Content-Type)."""
    if request.method == "POST" and request.mimetype not in UPLOAD_TYPES:
        raise UnsupportedMediaType(f"send the file as {' or '.join(UPLOAD_TYPES)}"
                                   + (f", not {request.mimetype}" if request.mimetype else ""))


@blp.route("", methods=["GET"])
@blp.response(200, MemoryListSchema)
def list_memories() -> ResponseReturnValue:
    """The caller's translation memories and the shared ones, with unit counts and language pairs."""
    return {"memories": [_body(m) for m in get_resources().memories.list_memories(tenant=current_tenant())]}


@blp.route("/<name>", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {t: {"schema": {"type": "string"}} for t in UPLOAD_TYPES}})
@blp.response(201, MemorySchema, description="the memory after the import (created when missing)")
def import_memory(name: str) -> ResponseReturnValue:
    """Add the translated units of an XLIFF (2.x or 1.2) or TMX file; a bad file changes nothing."""
    return _body(get_resources().memories.import_file(request.get_data(), name, file="upload",
                                                      tenant=current_tenant()))


@blp.route("/<name>", methods=["GET"])
@blp.response(200, MemorySchema, description="TMX 1.4b by default; the summary as JSON when Accept asks for it")
@blp.doc(responses={"200": {"content": {TMX: {"schema": {"type": "string"}}, JSON: {"schema": MemorySchema}}}})
def get_memory(name: str) -> ResponseReturnValue:
    """One memory as a TMX file (or its summary as JSON)."""
    store, tenant = get_resources().memories, current_tenant()
    best = request.accept_mimetypes.best_match([TMX, JSON]) if request.accept_mimetypes else TMX
    if best is None:
        raise NotAcceptable(f"a memory is available as {TMX} or {JSON}")
    if best == JSON:
        return _body(store.get(name, tenant=tenant))
    info = store.get(name, tenant=tenant)
    response = Response(store.export_tmx(name, tenant=tenant), mimetype=TMX)
    response.headers["Content-Disposition"] = f'attachment; filename="{info.name}.tmx"'
    return response


@blp.route("/<name>", methods=["DELETE"])
@blp.response(204)
def delete_memory(name: str) -> None:
    """Delete a memory and its units."""
    get_resources().memories.delete(name, tenant=current_tenant())
