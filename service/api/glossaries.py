"""/v1/glossaries: named glossaries as JSON, or TSV/CSV/TBX files by Content-Type and Accept.

Every route acts for the request's tenant (:mod:`service.api.tenancy`): a key lists, reads and
changes its own (its team's) glossaries and reads the shared ones; another tenant's glossary is 404.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response, g, request
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint
from marshmallow import ValidationError

from service.api.glossary_schemas import (
    EntriesSchema,
    EntryListSchema,
    EntrySourcesSchema,
    ExportQuerySchema,
    FileImportQuerySchema,
    GlossaryCreateSchema,
    GlossaryListSchema,
    GlossaryReplaceSchema,
    GlossarySchema,
)
from service.api.limits import LimitedLength
from service.api.media import EXPORT_MIMETYPES, GLOSSARY_FORMATS, download_format, require_body_types, upload_format
from service.api.tenancy import tenant_glossaries
from service.api.versioning import expected_version
from service.errors import BadInputError
from service.glossary.formats import parse_glossary
from service.glossary.model import Glossary, GlossaryEntry
from service.glossary.validation import clean_entries
from service.text import CONTROLS_REMOVED, Removed

blp = Blueprint("glossaries", __name__, url_prefix="/v1/glossaries", description="Named glossaries")
blp.before_request(require_body_types(files=True))

FILE_TYPES = {mt: {"schema": {"type": "string"}} for mt in GLOSSARY_FORMATS}


def _body(schema: type, files: bool = True) -> dict[str, Any]:
    content = {"application/json": {"schema": schema}, **(FILE_TYPES if files else {})}
    return {"requestBody": {"required": True, "content": content}}


def _load(schema: type) -> dict[str, Any]:
    """Validate a JSON body (422 problem on failure, via the ValidationError handler)."""
    body = request.get_json()
    if not isinstance(body, dict):
        raise BadInputError("the request body must be a JSON object")
    return schema().load(body)


def _import_upload(fmt: str, *, name: str, source_lang: str = "en", target_lang: str | None = None,
                   replace: bool = False) -> Glossary:
    """An uploaded file as a glossary, refused (nothing stored) past ``limits.max_import_entries``."""
    entries = parse_glossary(_without_controls(request.get_data()), fmt, source_lang=source_lang,
                             target_lang=target_lang, file="upload")
    try:
        LimitedLength("max_import_entries")(entries)
    except ValidationError as exc:
        raise ValidationError({"body": exc.messages}) from None
    return tenant_glossaries().create(name, entries, source_lang=source_lang, replace=replace)


def _without_controls(data: bytes) -> bytes:
    """An uploaded UTF-8 file without bidi and control characters (tabs and line breaks stay), counted for
    the answer's warning; other encodings (a TBX may declare one) are cleaned entry by entry by the store."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    cleaned = _removed().clean(text)
    return cleaned.encode("utf-8") if cleaned != text else data


def _removed() -> Removed:
    """This request's count of removed control characters (one warning in the answer)."""
    if "controls_removed" not in g:
        g.controls_removed = Removed()
    removed: Removed = g.controls_removed
    return removed


def _clean(entries: list[GlossaryEntry]) -> list[GlossaryEntry]:
    """JSON entries lose bidi and C1 controls (with a warning); C0 ones are refused, as the schema says."""
    removed = _removed()
    json_removed = Removed(c0=False)
    cleaned = clean_entries(entries, json_removed)
    removed.bidi, removed.other = removed.bidi + json_removed.bidi, removed.other + json_removed.other
    return cleaned


def with_warnings(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with a ``controls-removed`` warning when the request's texts lost control characters."""
    removed: Removed | None = g.get("controls_removed")
    if removed:
        body["warnings"] = [{"code": CONTROLS_REMOVED, "message": removed.message("from the entries")}]
    return body


def glossary_body(glossary: Glossary) -> dict[str, Any]:
    data = asdict(glossary)
    data["entry_count"] = len(glossary.entries)
    return with_warnings(data)


def _file_or_json(glossary: Glossary, target_lang: str | None) -> Any:
    fmt = download_format()
    if fmt is None:
        return glossary_body(glossary)
    data = tenant_glossaries().export(glossary.id, fmt, target_lang=target_lang)
    response = Response(data, mimetype=EXPORT_MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{glossary.name}.{fmt}"'
    return response


@blp.route("", methods=["GET"])
@blp.response(200, GlossaryListSchema)
def list_glossaries() -> ResponseReturnValue:
    """The caller's glossaries and the shared ones, with entry count, languages, version and owner."""
    return {"glossaries": [asdict(g) for g in tenant_glossaries().list_glossaries()]}


@blp.route("", methods=["POST"])
@blp.arguments(FileImportQuerySchema, location="query", as_kwargs=True)
@blp.doc(**_body(GlossaryCreateSchema))
@blp.response(201, GlossarySchema)
def create_glossary(**query: Any) -> ResponseReturnValue:
    """Create a glossary from JSON, or import a TSV/CSV/TBX file (name in the query)."""
    store = tenant_glossaries()
    fmt = upload_format()
    if fmt is not None:
        if not query.get("name"):
            raise BadInputError("a glossary file upload needs ?name=")
        return glossary_body(_import_upload(fmt, **query))
    body = _load(GlossaryCreateSchema)
    return glossary_body(store.create(body["name"], _clean(body["entries"]), description=body["description"],
                                      replace=body["replace"], display_name=body.get("display_name")))


@blp.route("/<name>", methods=["GET"])
@blp.arguments(ExportQuerySchema, location="query", as_kwargs=True)
@blp.response(200, GlossarySchema, description="JSON, or the file format named in Accept")
def get_glossary(name: str, target_lang: str | None = None) -> ResponseReturnValue:
    """One glossary with its entries (JSON), or as TSV/CSV/TBX by Accept."""
    return _file_or_json(tenant_glossaries().get(name), target_lang)


@blp.route("/<name>", methods=["PUT"])
@blp.arguments(FileImportQuerySchema, location="query", as_kwargs=True)
@blp.doc(**_body(GlossaryReplaceSchema))
@blp.response(200, GlossarySchema)
def replace_glossary(name: str, **query: Any) -> ResponseReturnValue:
    """Create or replace a glossary's entries (its id stays, its version grows)."""
    store = tenant_glossaries()
    fmt = upload_format()
    if fmt is not None:
        query.update(name=name, replace=True)
        return glossary_body(_import_upload(fmt, **query))
    body = _load(GlossaryReplaceSchema)
    return glossary_body(store.create(name, _clean(body["entries"]), description=body["description"], replace=True,
                                      expected_version=expected_version(), display_name=body.get("display_name")))


@blp.route("/<name>", methods=["DELETE"])
@blp.response(204)
def delete_glossary(name: str) -> None:
    """Delete a glossary and its entries (the shipped ``default`` glossary can only be reset)."""
    store = tenant_glossaries()
    store.refuse_shipped_delete(name)
    store.delete(name, expected_version=expected_version())


@blp.route("/<name>/entries", methods=["GET"])
@blp.response(200, EntryListSchema)
def list_entries(name: str) -> ResponseReturnValue:
    """The entries of one glossary."""
    glossary = tenant_glossaries().get(name)
    return {"name": glossary.name, "version": glossary.version, "entries": glossary.entries}


@blp.route("/<name>/entries", methods=["POST"])
@blp.doc(**_body(EntriesSchema, files=False))
@blp.response(200, EntryListSchema)
def add_entries(name: str) -> ResponseReturnValue:
    """Add entries (an entry with the same source replaces the old one)."""
    glossary = tenant_glossaries().add_entries(name, _clean(_load(EntriesSchema)["entries"]),
                                                      expected_version=expected_version())
    return with_warnings({"name": glossary.name, "version": glossary.version, "entries": glossary.entries})


@blp.route("/<name>/entries", methods=["DELETE"])
@blp.doc(**_body(EntrySourcesSchema, files=False))
@blp.response(200, EntryListSchema)
def delete_entries(name: str) -> ResponseReturnValue:
    """Delete the entries with the given source terms."""
    glossary = tenant_glossaries().delete_entries(name, _load(EntrySourcesSchema)["sources"],
                                                         expected_version=expected_version())
    return {"name": glossary.name, "version": glossary.version, "entries": glossary.entries}
