"""Shapes of the glossary endpoints."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from service.api.limits import LimitedLength
from service.api.schemas import InlineEntrySchema, RequestSchema, WarningSchema, json_bool
from service.glossary.validation import DISPLAY_NAME_PATTERN, MAX_DISPLAY_NAME_CHARS

NAME = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
                       error="use 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit")


def display_name() -> fields.Str:
    """A name shown beside the glossary's name (its key): any text without control characters."""
    return fields.Str(allow_none=True, validate=[
        validate.Length(min=1, max=MAX_DISPLAY_NAME_CHARS),
        validate.Regexp(DISPLAY_NAME_PATTERN, error="must not contain control characters")], metadata={
        "description": "shown beside the name (a DeepL client's name for the glossary, any text); the name "
                       "stays the key in URLs. Null or absent: none (a replace keeps the current one); the "
                       "name itself clears it"})


class EntrySchema(InlineEntrySchema):
    """A glossary entry (loads into ``GlossaryEntry``, dumps from it)."""


class GlossarySummarySchema(Schema):
    name = fields.Str()
    display_name = display_name()
    id = fields.Str()
    source_lang = fields.Str()
    description = fields.Str()
    version = fields.Int()
    entry_count = fields.Int()
    languages = fields.List(fields.Str())
    updated_at = fields.Str()
    owner = fields.Str(allow_none=True, metadata={
        "description": "whose it is: \"team:<team>\" or \"key:<key id>\"; null for shared glossaries "
                       "(readable by every key, changed only by admins)"})


class GlossaryListSchema(Schema):
    glossaries = fields.List(fields.Nested(GlossarySummarySchema))


class GlossarySchema(GlossarySummarySchema):
    entries = fields.List(fields.Nested(EntrySchema))
    warnings = fields.List(fields.Nested(WarningSchema), metadata={
        "description": "after a change: what was done to the entries (controls-removed)"})


class GlossaryCreateSchema(RequestSchema):
    name = fields.Str(required=True, validate=NAME)
    display_name = display_name()
    description = fields.Str(load_default="")
    entries = fields.List(fields.Nested(EntrySchema), load_default=list, validate=LimitedLength("max_import_entries"))
    replace = json_bool(load_default=False, metadata={"description": "replace a glossary of that name"})


class GlossaryReplaceSchema(RequestSchema):
    display_name = display_name()
    description = fields.Str(load_default="")
    entries = fields.List(fields.Nested(EntrySchema), required=True, validate=LimitedLength("max_import_entries"))


class EntriesSchema(RequestSchema):
    entries = fields.List(fields.Nested(EntrySchema), required=True,
                          validate=LimitedLength("max_import_entries", min=1))


class EntryListSchema(Schema):
    name = fields.Str()
    version = fields.Int()
    entries = fields.List(fields.Nested(EntrySchema))
    warnings = fields.List(fields.Nested(WarningSchema), metadata={
        "description": "after a change: what was done to the entries (controls-removed)"})


class EntrySourcesSchema(RequestSchema):
    sources = fields.List(fields.Str(), required=True, validate=LimitedLength("max_import_entries", min=1),
                          metadata={"description": "source terms of the entries to delete"})


class FileImportQuerySchema(Schema):
    """Query parameters of a file upload (TSV, CSV or TBX body)."""

    name = fields.Str(validate=NAME, metadata={"description": "glossary name (POST /v1/glossaries)"})
    source_lang = fields.Str(load_default="en")
    target_lang = fields.Str(metadata={"description": "language of a two-column TSV/CSV file"})
    replace = fields.Bool(load_default=False)


class ExportQuerySchema(Schema):
    target_lang = fields.Str(metadata={"description": "for two-column (DeepL-style) TSV/CSV downloads"})
