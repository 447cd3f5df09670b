"""Request and response schemas of the compatibility doors (validation and /openapi.json).

Peers accept form bodies as well as JSON, so bodies are read by :func:`load_body`
(form lists via ``getlist``) and validated here; unknown fields are ignored, as the
peers ignore them.
"""
from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from service.api.limits import DEFAULTS as DEFAULT_LIMITS
from service.api.limits import LimitedLength
from service.glossary.validation import DISPLAY_NAME_PATTERN, MAX_DISPLAY_NAME_CHARS


class PeerSchema(Schema):
    class Meta:
        unknown = EXCLUDE


STRINGS = {"type": "array", "items": {"type": "string"}, "minItems": 1}
# A required text sent empty: LibreTranslate answers both as a missing parameter.
EMPTY = "must not be empty"
REQUIRED = fields.Field.default_error_messages["required"]


class StringOrList(fields.Field):
    """A non-empty string or a non-empty list of strings (LibreTranslate's ``q``): at most ``limits.max_segments``
    items."""

    def __init__(self, **kwargs: Any) -> None:
        items = {**STRINGS, "maxItems": DEFAULT_LIMITS.max_segments}
        super().__init__(metadata={"anyOf": [{"type": "string", "minLength": 1}, items]}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | list[str]:
        if value in ("", []):
            raise ValidationError(EMPTY)
        if isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return LimitedLength("max_segments")(value)
        raise ValidationError("must be a string or a non-empty list of strings")


class TagList(fields.Field):
    """Tags as a list or a comma-separated string (DeepL accepts both)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(metadata={"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                                   "description": "tag names: a list, or a comma-separated string"}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in items):
            raise ValidationError("must be a list of tag names or a comma-separated string")
        tags = [tag.strip() for item in items for tag in item.split(",") if tag.strip()]
        return LimitedLength("max_list_items")(tags)


FLAG_STRINGS = ("0", "1", "true", "false")


class Flag(fields.Field):
    """DeepL booleans arrive as JSON true/false or 0/1, or as the strings "0", "1", "true", "false"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(metadata={"anyOf": [{"type": "boolean"}, {"type": "integer", "enum": [0, 1]},
                                             {"type": "string", "enum": list(FLAG_STRINGS)}]}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        if (isinstance(value, int) and value in (0, 1)) or (isinstance(value, str) and value in FLAG_STRINGS):
            return str(value) in ("1", "true")
        raise ValidationError('must be a boolean, 0 or 1, or "0", "1", "true" or "false"')


class SmallCount(fields.Field):
    """A count of 0..``most`` as LibreTranslate reads it: a JSON integer (2, or 2.0) or its digits as a
    string (what a form sends, and JSON may); never 2.5, true or "two"."""

    def __init__(self, most: int, **kwargs: Any) -> None:
        if not 0 <= most <= 9:
            raise ValueError("SmallCount takes one digit")
        self.most = most
        super().__init__(metadata={"anyOf": [{"type": "integer", "minimum": 0, "maximum": most},
                                             {"type": "string", "pattern": f"^[0-{most}]$"}]}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, str) and len(value) == 1 and "0" <= value <= "9":  # "²" and "٣" are digits too
            value = int(value)
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if isinstance(value, bool) or not whole or not 0 <= value <= self.most:
            raise ValidationError(f"must be a whole number from 0 to {self.most}")
        return int(value)


FORM = "application/x-www-form-urlencoded"


def body_doc(schema: type) -> dict[str, Any]:
    """OpenAPI request body for a route that takes JSON or form fields (JSON only when a field
    nests objects: a form has no way to send them)."""
    content: dict[str, Any] = {"application/json": {"schema": schema}}
    if not any(_nests(f) for f in schema().fields.values()):
        content[FORM] = {"schema": schema}
    return {"requestBody": {"required": True, "content": content}}


def _nests(field: fields.Field) -> bool:
    inner = field.inner if isinstance(field, fields.List) else field
    return isinstance(inner, fields.Nested)


def load_body(schema: Schema, list_fields: tuple[str, ...] = ()) -> dict[str, Any]:
    """Validate the request's JSON object or form fields with ``schema``."""
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ValidationError("the request body must be a JSON object")
    else:
        body = {}
        for source in (request.args, request.form):  # form fields win over the query string
            body.update({key: (source.getlist(key) if key in list_fields else source.get(key))
                         for key in source})
    return schema.load(body)


# -- LibreTranslate --------------------------------------------------------------------------------

class LibreTranslateSchema(PeerSchema):
    q = StringOrList(required=True)
    source = fields.String(required=True)
    target = fields.String(required=True)
    format = fields.String(load_default="text", validate=validate.OneOf(["text", "html"]))
    alternatives = SmallCount(3, load_default=0)
    api_key = fields.String()


class LibreTranslateResultSchema(Schema):
    translatedText = fields.Raw(required=True, metadata={"description": "a string, or a list for a list q"})
    detectedLanguage = fields.Raw(metadata={"description": "only when source is auto"})
    alternatives = fields.Raw()


class LibreDetectSchema(PeerSchema):
    q = fields.String(required=True, validate=validate.Length(min=1, error=EMPTY))
    api_key = fields.String()


class LibreDetectionSchema(Schema):
    language = fields.String(required=True)
    confidence = fields.Float(required=True, metadata={"description": "0..100"})


class LibreLanguageSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    targets = fields.List(fields.String(), required=True)


class LibreFileSchema(PeerSchema):
    source = fields.String(required=True)
    target = fields.String(required=True)
    api_key = fields.String()


class TranslatedFileSchema(Schema):
    translatedFileUrl = fields.String(required=True)


class LanguageRefSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class FrontendLanguagesSchema(Schema):
    source = fields.Nested(LanguageRefSchema, required=True)
    target = fields.Nested(LanguageRefSchema, required=True)


class FrontendSettingsSchema(Schema):
    """What LibreTranslate's web frontend reads from /frontend/settings."""

    charLimit = fields.Integer(required=True)
    frontendTimeout = fields.Integer(required=True)
    apiKeys = fields.Boolean(required=True)
    keyRequired = fields.Boolean(required=True)
    suggestions = fields.Boolean(required=True)
    filesTranslation = fields.Boolean(required=True)
    supportedFilesFormat = fields.List(fields.String(), required=True)
    language = fields.Nested(FrontendLanguagesSchema, required=True)


class LibreErrorSchema(Schema):
    error = fields.String(required=True)


# -- DeepL -----------------------------------------------------------------------------------------

FORMALITIES = ("default", "more", "less", "prefer_more", "prefer_less")
MODEL_TYPES = ("quality_optimized", "prefer_quality_optimized", "latency_optimized")


def refused(feature: str) -> fields.Raw:
    """A DeepL parameter of a feature this service does not have: any value is refused (400), never
    silently ignored; the document says so (``not: {}``: no value is valid)."""
    return fields.Raw(metadata={"not": {}, "description": f"{feature} are not supported: any value is refused (400)"})


class DeepLTranslateSchema(PeerSchema):
    text = fields.List(fields.String(), required=True, validate=validate.Length(min=1, max=50))
    source_lang = fields.String()
    target_lang = fields.String(required=True)
    glossary_id = fields.String()
    split_sentences = fields.String(load_default="1", validate=validate.OneOf(["0", "1", "nonewlines"]))
    preserve_formatting = Flag()
    formality = fields.String(validate=validate.OneOf(FORMALITIES))
    tag_handling = fields.String(validate=validate.OneOf(["xml", "html"]))
    ignore_tags = TagList(load_default=list)
    non_splitting_tags = TagList()
    splitting_tags = TagList()
    outline_detection = Flag()
    context = fields.String()
    show_billed_characters = Flag()
    model_type = fields.String(validate=validate.OneOf(MODEL_TYPES), metadata={
        "description": "accepted; answered with model_type_used on every translation"})
    style_id = refused("style rules")
    custom_instructions = refused("custom instructions")

    @pre_load
    def one_text(self, data: Any, **kwargs: Any) -> Any:
        """A single ``text`` string is a list of one (some clients send it that way)."""
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            return {**data, "text": [data["text"]]}
        return data


class DeepLTextResultSchema(Schema):
    detected_source_language = fields.String(required=True)
    text = fields.String(required=True)
    billed_characters = fields.Integer(required=True)
    model_type_used = fields.String(metadata={"description": "only when the request named a model_type"})


class DeepLTranslationsSchema(Schema):
    translations = fields.List(fields.Nested(DeepLTextResultSchema), required=True)


class DeepLLanguageSchema(Schema):
    language = fields.String(required=True)
    name = fields.String(required=True)
    supports_formality = fields.Boolean()


class DeepLUsageSchema(Schema):
    character_count = fields.Integer(required=True)
    character_limit = fields.Integer(required=True)
    document_count = fields.Integer(required=True, metadata={"description": "documents uploaded today (UTC)"})
    document_limit = fields.Integer(required=True, metadata={"description": "no limit of its own: "
                                                                            "1000000000000"})


class DeepLErrorSchema(Schema):
    message = fields.String(required=True)


class GlossaryPairSchema(Schema):
    source_lang = fields.String(required=True)
    target_lang = fields.String(required=True)


class GlossaryPairsSchema(Schema):
    supported_languages = fields.List(fields.Nested(GlossaryPairSchema), required=True)


def glossary_name(**kwargs: Any) -> fields.String:
    """A DeepL glossary name: any text up to MAX_DISPLAY_NAME_CHARS without control characters."""
    return fields.String(validate=[validate.Length(min=1, max=MAX_DISPLAY_NAME_CHARS),
                                   validate.Regexp(DISPLAY_NAME_PATTERN, error="must not contain control characters")],
                         metadata={"description": "any name (kept exactly; shown as display_name under /v1)"},
                         **kwargs)


class DeepLGlossaryCreateSchema(PeerSchema):
    name = glossary_name(required=True)
    source_lang = fields.String(required=True)
    target_lang = fields.String(required=True)
    entries = fields.String(required=True)
    entries_format = fields.String(load_default="tsv", validate=validate.OneOf(["tsv", "csv"]))


class DeepLGlossaryInfoSchema(Schema):
    glossary_id = fields.String(required=True)
    name = fields.String(required=True)
    ready = fields.Boolean(required=True)
    source_lang = fields.String(required=True)
    target_lang = fields.String(required=True)
    creation_time = fields.String(required=True)
    entry_count = fields.Integer(required=True)


class DeepLGlossaryListSchema(Schema):
    glossaries = fields.List(fields.Nested(DeepLGlossaryInfoSchema), required=True)


class DictionaryEntriesSchema(PeerSchema):
    source_lang = fields.String(required=True)
    target_lang = fields.String(required=True)
    entries = fields.String(required=True)
    entries_format = fields.String(load_default="tsv", validate=validate.OneOf(["tsv", "csv"]))


class MultilingualCreateSchema(PeerSchema):
    name = glossary_name(required=True)
    dictionaries = fields.List(fields.Nested(DictionaryEntriesSchema), required=True,
                               validate=LimitedLength("max_list_items"))


class MultilingualPatchSchema(PeerSchema):
    name = glossary_name()
    dictionaries = fields.List(fields.Nested(DictionaryEntriesSchema), validate=LimitedLength("max_list_items"))


class DictionaryInfoSchema(Schema):
    source_lang = fields.String(required=True)
    target_lang = fields.String(required=True)
    entry_count = fields.Integer(required=True)


class MultilingualInfoSchema(Schema):
    glossary_id = fields.String(required=True)
    name = fields.String(required=True)
    creation_time = fields.String(required=True)
    dictionaries = fields.List(fields.Nested(DictionaryInfoSchema), required=True)


class MultilingualListSchema(Schema):
    glossaries = fields.List(fields.Nested(MultilingualInfoSchema), required=True)


class DictionaryEntriesOutSchema(Schema):
    source_lang = fields.String(required=True)
    target_lang = fields.String(required=True)
    entries = fields.String(required=True)
    entries_format = fields.String(required=True)


class MultilingualEntriesSchema(Schema):
    dictionaries = fields.List(fields.Nested(DictionaryEntriesOutSchema), required=True)


class DictionaryQuerySchema(PeerSchema):
    source_lang = fields.String(required=True)
    target_lang = fields.String(required=True)


class DocumentUploadSchema(PeerSchema):
    source_lang = fields.String()
    target_lang = fields.String(required=True)
    glossary_id = fields.String()
    formality = fields.String(validate=validate.OneOf(FORMALITIES))
    output_format = fields.String()
    filename = fields.String()


class DocumentHandleSchema(Schema):
    document_id = fields.String(required=True)
    document_key = fields.String(required=True)


class DocumentKeySchema(PeerSchema):
    document_key = fields.String(required=True)


class DocumentStatusSchema(Schema):
    document_id = fields.String(required=True)
    status = fields.String(required=True)
    seconds_remaining = fields.Integer()
    billed_characters = fields.Integer()
    error_message = fields.String()
