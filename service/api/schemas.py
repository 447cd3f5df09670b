"""Request and response shapes of the HTTP API: the single source of truth for the OpenAPI document.

Briefs mirror ``service.brief.Brief.to_dict()``; glossary shapes are in
``service.api.glossary_schemas``.
"""
from __future__ import annotations

import re
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from service.api.limits import DEFAULTS as DEFAULT_LIMITS
from service.api.limits import LimitedLength, check_inline_glossary, check_total, limit_note
from service.brief import SEGMENT_STATUSES
from service.glossary.model import ENTRY_TYPES, GlossaryEntry
from service.pipeline.line_kinds import KINDS as DROPPED_KINDS

BRIEF_PARTS = ("entities", "meta")


class Contains(validate.Regexp):
    """``validate.Regexp`` the way JSON Schema reads its ``pattern`` (which apispec copies from it): found
    anywhere in the value, not only at its start (" Hello" holds a non-blank character too)."""

    def __call__(self, value: Any) -> Any:
        if self.regex.search(value) is None:
            raise ValidationError(self._format_error(value))
        return value


NOT_BLANK = Contains(r"\S", error="must not be blank")
# Some text that stays once bidi and control characters are removed (as /v1/briefs refuses an article of
# nothing else): a character that is neither white space nor one of those.
HAS_TEXT = Contains(r"[^\s\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]",
                    error="must hold text other than white space, control and bidi characters")
_LANG_CODE = re.compile(r"[a-z]{2,3}")


def lang_code(value: str) -> str:
    """A language code as /openapi.json lists them (``en``, ``ja``): no other letter case, no spaces and not
    empty. A well-formed code the service does not serve is refused later, as an unknown language or pair."""
    if not _LANG_CODE.fullmatch(value):
        raise ValidationError("must be a language code in lower case, such as 'en', 'ja' or 'ko'")
    return value


class JsonBool(fields.Boolean):
    """A JSON boolean: ``true`` or ``false`` only (not 0, 1 or "yes", which the document does not allow)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def json_bool(**kwargs: Any) -> JsonBool:
    return JsonBool(**kwargs)


class RequestSchema(Schema):
    """Base of request bodies: ``api_key`` may travel in the body (DeepL/LibreTranslate style)."""

    api_key = fields.Str(load_only=True, metadata={"description": "API key, if not sent as a header"})


class InlineEntrySchema(Schema):
    """A glossary entry given with the request, applied before named glossaries."""

    source = fields.Str(required=True, validate=NOT_BLANK)
    renderings = fields.Dict(keys=fields.Str(), values=fields.Str(validate=NOT_BLANK), required=True,
                             validate=LimitedLength("max_list_items", min=1),
                             metadata={"example": {"ja": "岸田文雄", "ko": "기시다 후미오"}})
    type = fields.Str(load_default="term", validate=validate.OneOf(ENTRY_TYPES))
    aliases = fields.List(fields.Str(), load_default=list, validate=LimitedLength("max_list_items"))
    notes = fields.Str(load_default="")
    case_sensitive = json_bool(load_default=True)
    short_renderings = fields.Dict(keys=fields.Str(), values=fields.Str(validate=NOT_BLANK), load_default=dict,
                                   metadata={"description": "a person's short rendering per language, used when "
                                                            "the text names them by family name alone",
                                             "example": {"ja": "岸田", "ko": "기시다"}})

    @post_load
    def make_entry(self, data: dict, **_: object) -> GlossaryEntry:
        try:
            return GlossaryEntry(**{**data, "aliases": tuple(data["aliases"])})
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class _TranslationOptions(RequestSchema):
    target_langs = fields.List(fields.Str(validate=lang_code), validate=LimitedLength("max_list_items", min=1),
                               metadata={"description": "default: the service's configured targets",
                                         "example": ["ja", "ko"]})
    source_lang = fields.Str(validate=lang_code,
                             metadata={"description": "default: the service's source language (en)"})
    glossaries = fields.List(fields.Str(), load_default=list, validate=LimitedLength("max_glossaries"),
                             metadata={"description": "named glossaries, highest precedence first"})
    inline_glossary = fields.List(fields.Nested(InlineEntrySchema), load_default=list,
                                  validate=LimitedLength("max_inline_entries"),
                                  metadata={"description": limit_note("max_inline_chars", "all entries together")})
    include = fields.List(fields.Str(validate=validate.OneOf(BRIEF_PARTS)), load_default=lambda: list(BRIEF_PARTS),
                          validate=LimitedLength("max_list_items"),
                          metadata={"description": "optional parts of the brief to return"})


# Blank and over-long articles keep their own codes (empty-text 422, text-too-long 413) from the
# pipeline's first check; the document states the same bounds.
ARTICLE = {"minLength": 1, "maxLength": DEFAULT_LIMITS.max_chars, "pattern": r"\S"}


class BriefsRequestSchema(_TranslationOptions):
    text = fields.Str(metadata={"description": "one English article", **ARTICLE})
    texts = fields.List(fields.Str(metadata=ARTICLE), validate=LimitedLength("max_texts", min=1), metadata={
        "description": "several articles; the answer is then a list of briefs; "
                       + limit_note("max_total_chars", "together")})
    sentences = fields.Int(validate=validate.Range(min=1, max=1000), metadata={"description": "summary length"})
    ratio = fields.Float(validate=validate.Range(min=0, max=1, min_inclusive=False),
                         metadata={"description": "share of the article's sentences to keep"})
    summarizer = fields.Str(validate=validate.OneOf(("extractive", "abstractive")))
    store = json_bool(load_default=False, metadata={
        "description": "keep the brief for review: the answer carries its id (GET/PATCH /v1/briefs/{id})"})

    @validates_schema
    def one_source_and_one_size(self, data: dict, **_: object) -> None:
        if ("text" in data) == ("texts" in data):
            raise ValidationError("give exactly one of text and texts", "text")
        if "sentences" in data and "ratio" in data:
            raise ValidationError("give at most one of sentences and ratio", "ratio")
        check_total(data.get("texts") or [data.get("text", "")], "texts" if "texts" in data else "text")
        check_inline_glossary(data.get("inline_glossary") or ())


class TranslateRequestSchema(_TranslationOptions):
    segments = fields.List(fields.Str(validate=[LimitedLength("max_segment_chars"), HAS_TEXT]), required=True,
                           validate=LimitedLength("max_segments", min=1), metadata={
                               "description": "sentences to translate as given (no summarizing); "
                                              + limit_note("max_total_chars", "together")})

    @validates_schema
    def bounded(self, data: dict, **_: object) -> None:
        check_total(data.get("segments") or (), "segments")
        check_inline_glossary(data.get("inline_glossary") or ())


class QualitySpanSchema(Schema):
    lang = fields.Str(metadata={"description": "en for the English, else the translation's language"})
    start = fields.Int()
    end = fields.Int()


class QualityFlagSchema(Schema):
    kind = fields.Str(required=True, metadata={
        "description": "number-missing, number-added, date-mismatch, untranslated, wrong-script, repetition, "
                       "truncation, length-ratio, low-confidence, glossary-repairs"})
    detail = fields.Str(required=True)
    span = fields.Nested(QualitySpanSchema, allow_none=True, metadata={"description": "where it points, if anywhere"})


class SegmentQualitySchema(Schema):
    score = fields.Float(required=True, metadata={"description": "0 to 1; 1 = no signal fired"})
    needs_review = fields.Bool(required=True, metadata={"description": "score below quality.threshold"})
    flags = fields.List(fields.Nested(QualityFlagSchema), required=True)
    confidence = fields.Float(allow_none=True, metadata={
        "description": "the engine's mean log-probability per token; null for memory or reviewer text"})


class QualitySummarySchema(Schema):
    needs_review = fields.Int(metadata={"description": "segments with any language needing review"})
    by_lang = fields.Dict(keys=fields.Str(), values=fields.Int())
    threshold = fields.Float()


class SegmentSchema(Schema):
    id = fields.Str(required=True, metadata={"description": "s1, s2, ... in summary order; title for the title"})
    source_index = fields.Int(allow_none=True, metadata={"description": "index of the article sentence"})
    en = fields.Str(required=True)
    translations = fields.Dict(keys=fields.Str(), values=fields.Str())
    provenance = fields.Dict(keys=fields.Str(), values=fields.Str(),
                             metadata={"description": "per language: model, tm-exact, edited"})
    status = fields.Dict(keys=fields.Str(), values=fields.Str(validate=validate.OneOf(SEGMENT_STATUSES)),
                         metadata={"description": "per language: draft, edited (a reviewer changed it) or confirmed "
                                                  "(a reviewer approved it); a stored brief's review state"})
    quality = fields.Dict(keys=fields.Str(), values=fields.Nested(SegmentQualitySchema), metadata={
        "description": "per language: the quality signals' verdict (empty when quality.enabled is off)"})


class MentionSchema(Schema):
    segment = fields.Str()
    lang = fields.Str()
    start = fields.Int()
    end = fields.Int()


class EntitySchema(Schema):
    source = fields.Str()
    type = fields.Str()
    resolution = fields.Str(metadata={"description": "glossary | cldr | learned | unresolved"})
    glossary = fields.Str(allow_none=True)
    renderings = fields.Dict(keys=fields.Str(), values=fields.Str())
    mentions = fields.List(fields.Nested(MentionSchema))
    detector = fields.Str(allow_none=True, metadata={
        "description": "what found the name: glossary | cldr | ner (a spaCy pipeline) | heuristic"})
    rendered_by = fields.Dict(keys=fields.Str(), values=fields.Str(), metadata={
        "description": "per language: the glossary whose rendering was used (the first that has that "
                       "language), cldr, or learned (the name translated on its own)"})
    short_renderings = fields.Dict(keys=fields.Str(), values=fields.Str(), metadata={
        "description": "per language: the rendering used where the text names the person by family name alone"})


class WarningSchema(Schema):
    code = fields.Str(required=True)
    message = fields.Str(required=True)
    segment = fields.Str()
    lang = fields.Str()


class DroppedLineSchema(Schema):
    text = fields.Str(required=True)
    kind = fields.Str(required=True, validate=validate.OneOf(DROPPED_KINDS), metadata={
        "description": "end-mark (###, -30-), rule (* * *), navigation (share, print, menus), section-label "
                       "(STATEMENTS), metadata (Source:, Tags:), byline, photo-credit, or the dateline taken off "
                       "the first sentence"})
    start = fields.Int(required=True, metadata={"description": "character offset in the article text"})
    end = fields.Int(required=True)


class MetaSchema(Schema):
    models = fields.Dict(keys=fields.Str(), values=fields.Dict())
    engines = fields.Dict(keys=fields.Str(), values=fields.Str())
    timings_ms = fields.Dict(keys=fields.Str(), values=fields.Float())
    warnings = fields.List(fields.Nested(WarningSchema))
    source_lang = fields.Str()
    target_langs = fields.List(fields.Str())
    signature = fields.Str()
    dropped = fields.List(fields.Nested(DroppedLineSchema), metadata={
        "description": "article text kept out of the brief as no prose, in article order"})
    quality = fields.Nested(QualitySummarySchema, allow_none=True, metadata={
        "description": "segments needing review; null when quality signals are off"})


class BriefSchema(Schema):
    """One aligned bilingual brief; ``entities`` and ``meta`` only when included."""

    title = fields.Nested(SegmentSchema, required=True, allow_none=True, metadata={
        "description": "the article's headline with its translations (id title); null when it has none"})
    segments = fields.List(fields.Nested(SegmentSchema), required=True)
    entities = fields.List(fields.Nested(EntitySchema))
    meta = fields.Nested(MetaSchema)


class LanguageSchema(Schema):
    code = fields.Str()
    name = fields.Str()
    targets = fields.List(fields.Str(), metadata={"description": "languages it can be translated into"})


class ModelStatusSchema(Schema):
    task = fields.Str()
    key = fields.Str()
    model = fields.Str()
    engine = fields.Str()
    license = fields.Str()
    non_commercial = fields.Bool()
    installed = fields.Bool()
    state = fields.Str()
    loaded = fields.Bool()
    size_mb = fields.Float(allow_none=True)
    tiny = fields.Bool()
    load_ms = fields.Float(allow_none=True)


class ModelsSchema(Schema):
    models = fields.List(fields.Nested(ModelStatusSchema))


class UsageSchema(Schema):
    key_id = fields.Str()
    name = fields.Str()
    day = fields.Str(metadata={"description": "UTC day the counts are for"})
    requests = fields.Int()
    characters = fields.Int()
    char_quota = fields.Int(metadata={"description": "characters per UTC day; 0 = unlimited"})
    rate_limit = fields.Str()
    role = fields.Str(metadata={"description": "reader, editor or admin: what the key may change"})
    team = fields.Str(allow_none=True, metadata={"description": "the team whose data the key shares; null: its own"})


class HealthSchema(Schema):
    status = fields.Str()
    models = fields.List(fields.Dict(), metadata={"description": "readiness of each configured pair"})
    entities = fields.Dict(metadata={
        "description": "which detector finds names no glossary knows (ner | heuristic | off) and the NER "
                       "pipeline's state (model, state, loaded), null when none is configured"})


class FieldErrorSchema(Schema):
    location = fields.Str(metadata={"description": "json, query, form, headers"})
    field = fields.Str(metadata={"description": "dotted path of the field, '' for the whole body"})
    message = fields.Str()


class ProblemSchema(Schema):
    """RFC 9457 problem details, the body of every error response."""

    class Meta:
        unknown = EXCLUDE

    type = fields.Str(required=True, metadata={"example": "/problems/bad-input"})
    title = fields.Str(required=True)
    status = fields.Int(required=True)
    detail = fields.Str(required=True)
    code = fields.Str(required=True, metadata={"description": "stable machine code (last part of type)"})
    errors = fields.List(fields.Nested(FieldErrorSchema), metadata={"description": "field errors (422)"})
