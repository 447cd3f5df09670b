"""Shapes of ``/v1/jobs``: a submit (JSON articles or an uploaded archive with its options) and a job's status."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from service.api.limits import DEFAULTS as DEFAULT_LIMITS
from service.api.limits import LimitedLength
from service.api.schemas import NOT_BLANK, RequestSchema, lang_code
from service.batch.outputs import output_formats
from service.jobs.model import STATES

ARTICLE_TEXT = {"minLength": 1, "maxLength": DEFAULT_LIMITS.max_chars, "pattern": r"\S"}


class CommaList(fields.List):
    """A list that also takes comma-separated items (``-F formats=json,xliff`` in a form)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = [part.strip() for v in value for part in (v.split(",") if "," in v else [v])]
        return super()._deserialize(value, attr, data, **kwargs)


class JobOptionsSchema(RequestSchema):
    """The batch command's options, for every article of the job."""

    target_langs = CommaList(fields.Str(validate=lang_code), validate=LimitedLength("max_list_items", min=1),
                             metadata={"description": "default: the service's configured targets", "example": ["ja"]})
    source_lang = fields.Str(validate=lang_code,
                             metadata={"description": "default: the service's source language (en)"})
    sentences = fields.Int(validate=validate.Range(min=1, max=1000), metadata={"description": "summary length"})
    ratio = fields.Float(validate=validate.Range(min=0, max=1, min_inclusive=False),
                         metadata={"description": "share of each article's sentences to keep"})
    glossaries = CommaList(fields.Str(validate=NOT_BLANK), load_default=list, validate=LimitedLength("max_glossaries"),
                           metadata={"description": "named glossaries, highest precedence first"})
    summarizer = fields.Str(validate=validate.OneOf(("extractive", "abstractive")))
    formats = CommaList(fields.Str(validate=validate.OneOf(output_formats())), load_default=lambda: ["json"],
                        validate=LimitedLength("max_list_items", min=1),
                        metadata={"description": "output files per article, as `python -m service batch --format`"})
    text_field = fields.Str(load_default="text", validate=validate.Length(min=1, max=100),
                            metadata={"description": "JSON field holding an article's text (JSON/JSONL inputs)"})
    id_field = fields.Str(load_default="id", validate=validate.Length(min=1, max=100),
                          metadata={"description": "JSON field naming an article (JSON/JSONL inputs)"})
    callback_url = fields.Str(validate=validate.Length(min=1, max=2000), metadata={
        "description": "called (POST, signed) when the job ends; its host must be in jobs.callback_hosts",
        "example": "https://hooks.example.com/briefs"})
    callback_secret = fields.Str(validate=validate.Length(min=16, max=200), metadata={
        "description": "HMAC-SHA256 key for the callback's Briefs-Signature header; without it the service "
                       "makes one and returns it once, in the submit's answer"})

    @validates_schema
    def one_size(self, data: dict[str, Any], **_: object) -> None:
        if "sentences" in data and "ratio" in data:
            raise ValidationError("give at most one of sentences and ratio", "ratio")


ARTICLE_CHECKS = [LimitedLength("max_chars", min=1), NOT_BLANK]


class ArticleSchema(Schema):
    id = fields.Str(validate=validate.Length(min=1, max=500), metadata={"description": "names the article's outputs"})
    text = fields.Str(required=True, validate=ARTICLE_CHECKS, metadata=ARTICLE_TEXT)


class JobJsonSchema(JobOptionsSchema):
    """Articles in the body: ``texts`` (strings) or ``articles`` (objects with ``text`` and an optional ``id``)."""

    texts = fields.List(fields.Str(validate=ARTICLE_CHECKS, metadata=ARTICLE_TEXT), validate=validate.Length(min=1))
    articles = fields.List(fields.Nested(ArticleSchema), validate=validate.Length(min=1))

    @validates_schema
    def one_source(self, data: dict[str, Any], **_: object) -> None:
        if ("texts" in data) == ("articles" in data):
            raise ValidationError("give exactly one of texts and articles", "texts")


class JobUploadSchema(JobOptionsSchema):
    """The multipart body as documented: the archive file and the options as form fields."""

    archive = fields.Raw(required=True, metadata={
        "type": "string", "format": "binary",
        "description": "zip, tar(.gz/.bz2/.xz), JSONL, JSON or WARC(.gz): the batch command's inputs"})


class ArticleCountsSchema(Schema):
    total = fields.Int(metadata={"description": "entries of the input (files, records or pages)"})
    done = fields.Int(metadata={"description": "articles built"})
    failed = fields.Int(metadata={"description": "articles that failed (the manifest says why)"})
    skipped = fields.Int(metadata={"description": "entries that are no article (other file types)"})


class JobErrorSchema(Schema):
    code = fields.Str()
    message = fields.Str()


class CallbackAttemptSchema(Schema):
    attempt = fields.Int()
    at = fields.Str()
    event = fields.Str(metadata={"description": "job.done, job.failed or job.cancelled"})
    status = fields.Int(allow_none=True, metadata={"description": "the receiver's HTTP status; null: no answer"})
    error = fields.Str(allow_none=True)
    duration_ms = fields.Float()


class CallbackSchema(Schema):
    url = fields.Str()
    state = fields.Str(allow_none=True, metadata={"description": "pending, delivered or failed"})
    next_attempt_at = fields.Str(allow_none=True)
    attempts = fields.List(fields.Nested(CallbackAttemptSchema))


class JobInputSchema(Schema):
    name = fields.Str()
    bytes = fields.Int()


class JobOptionsOutSchema(Schema):
    target_langs = fields.List(fields.Str())
    source_lang = fields.Str()
    sentences = fields.Int(allow_none=True)
    ratio = fields.Float(allow_none=True)
    glossaries = fields.List(fields.Str())
    summarizer = fields.Str(allow_none=True)
    formats = fields.List(fields.Str())


class JobLinksSchema(Schema):
    self = fields.Str()
    results = fields.Str()
    cancel = fields.Str()


class JobSchema(Schema):
    """A job's state and progress."""

    id = fields.Str()
    state = fields.Str(metadata={"enum": list(STATES)})
    owner = fields.Str(allow_none=True, metadata={"description": "the tenant scope the job belongs to"})
    articles = fields.Nested(ArticleCountsSchema)
    characters_charged = fields.Int(metadata={"description": "characters charged so far, per article built"})
    eta_s = fields.Float(allow_none=True, metadata={"description": "seconds to go at the current pace"})
    cancel_requested = fields.Bool()
    options = fields.Nested(JobOptionsOutSchema)
    input = fields.Nested(JobInputSchema)
    error = fields.Nested(JobErrorSchema, allow_none=True)
    runs = fields.Int(metadata={"description": "times a worker started (or resumed) the job"})
    created_at = fields.Str()
    started_at = fields.Str(allow_none=True)
    finished_at = fields.Str(allow_none=True)
    expires_at = fields.Str(allow_none=True, metadata={"description": "when the job and its results are removed"})
    callback = fields.Nested(CallbackSchema, allow_none=True)
    links = fields.Nested(JobLinksSchema)
    callback_secret = fields.Str(metadata={"description": "only in the submit's answer, when the service made it"})


class JobListSchema(Schema):
    jobs = fields.List(fields.Nested(JobSchema))


class JobListQuerySchema(Schema):
    state = fields.Str(validate=validate.OneOf(STATES))
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))
