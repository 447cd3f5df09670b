"""``POST /v1/briefs`` with ``Accept: text/event-stream``: one brief as server-sent events.

Events, in order: ``summary`` (the title and the chosen sentences), ``title`` (the headline translated,
when the article has one), one ``segment`` per sentence as its translations are ready (with its
entities and warnings), ``entities`` (the whole brief's entity report), ``meta``,
then ``done`` (with the stored brief's id when ``"store": true``). A failure after the stream began is
an ``error`` event carrying a problem document, never a broken connection; a request refused before it
began (validation, keys, quota, load shedding) keeps its ordinary status and problem+json body.

The request runs under its budget like any other: the deadline is checked before every stage and
engine call, the model slot is taken at the summary (a stream that would wait too long is shed with
503 before it starts) and held to the last event, and engine calls go through the micro-batcher.
Under gunicorn's gthread worker a stream holds one thread for its length, as a plain request does.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Generator, Iterator
from typing import Any

from flask import Response, request, stream_with_context
from marshmallow import Schema, fields

from service.api import access
from service.api.bodies import scoped_request
from service.api.budget import hand_over_budget
from service.api.context import get_resources
from service.api.errors import PROBLEM_TYPE_BASE, public_detail
from service.api.metrics_view import observe_timings
from service.api.schemas import EntitySchema, MetaSchema, ProblemSchema, SegmentSchema, WarningSchema
from service.errors import BadInputError, BriefsError
from service.pipeline.stream import DONE, ERROR, BriefEvent, BriefStream
from service.runtime.request_budget import RequestBudget, close_budget, open_budget

log = logging.getLogger(__name__)

EVENT_STREAM = "text/event-stream"
OPTIONAL_PARTS = ("entities", "meta")


def wants_stream() -> bool:
    """The client asked for events: ``text/event-stream`` is its best match among JSON and events."""
    accept = request.accept_mimetypes
    return EVENT_STREAM in accept and accept.best_match(["application/json", EVENT_STREAM]) == EVENT_STREAM


def encode(event: BriefEvent, number: int) -> bytes:
    """One event in the text/event-stream format: id, event name, one line of JSON data."""
    data = json.dumps(event.data, ensure_ascii=False, separators=(",", ":"))
    return f"id: {number}\nevent: {event.event}\ndata: {data}\n\n".encode()


def stream_brief(body: dict[str, Any]) -> Response:
    """Start the brief (errors so far are ordinary answers), then stream the rest of it."""
    if "texts" in body:
        raise BadInputError("a stream carries one brief: send one article as `text`", field="texts")
    resources = get_resources()
    brief_request = scoped_request(body, [body["text"]], stores=body["store"])
    stream = BriefStream(body["text"], brief_request, resources)  # the summary: takes the model slot
    budget = hand_over_budget()  # held (deadline and slot) until the last event, not the view's return
    charged = access.keep_charge()  # the answer's 200 settles nothing: an error event gives the charge back
    events = _events(stream, body, brief_request.tenant, budget, charged)
    response = Response(stream_with_context(events), mimetype=EVENT_STREAM)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # proxies (nginx) pass each event on at once
    return response


def _events(stream: BriefStream, body: dict[str, Any], tenant: Any, budget: RequestBudget | None,
            charged: access.Charge | None) -> Iterator[bytes]:
    token = open_budget(budget) if budget is not None else None
    try:
        if not (yield from _run(stream, body, tenant)):
            access.refund(charged)  # a failed brief is not charged, streamed or not
    finally:
        if token is not None:
            close_budget(token)


def _run(stream: BriefStream, body: dict[str, Any], tenant: Any) -> Generator[bytes, None, bool]:
    """The events after the summary; returns whether the brief was finished (False: an error event)."""
    number = 1
    yield encode(stream.summary_event(), number)
    try:
        for event in stream.events():
            if event.event in OPTIONAL_PARTS and event.event not in body["include"]:
                continue  # ``include`` leaves out the entity report or meta, as for a JSON answer
            number += 1
            yield encode(event, number)
        assert stream.brief is not None
        done: dict[str, Any] = {"segments": len(stream.brief.segments)}
        if body["store"]:
            done["id"] = get_resources().memories.briefs.save(stream.brief, tenant=tenant)
        observe_timings(stream.brief.meta.timings_ms)
        yield encode(BriefEvent(DONE, done), number + 1)
        return True
    except BriefsError as exc:
        yield encode(BriefEvent(ERROR, _problem(exc.status, exc.code, exc.title, exc.detail)), number + 1)
    except Exception:  # the client gets an error event; the log gets the failure (no article text)
        log.exception("a brief stream failed")
        yield encode(BriefEvent(ERROR, _problem(500, "internal-error", "Internal error",
                                                "the server failed to finish the brief; the failure was logged")),
                     number + 1)
    return False


def _problem(status: int, code: str, title: str, detail: str) -> dict[str, Any]:
    """The problem document of an ``error`` event (server paths left out, as in every problem)."""
    detail = public_detail(detail, get_resources().settings)
    return {"type": PROBLEM_TYPE_BASE + code, "title": title, "status": status, "detail": detail, "code": code}


# -- the events in /openapi.json ---------------------------------------------------------------------

class SummaryLineSchema(Schema):
    id = fields.Str()
    source_index = fields.Int(allow_none=True)
    en = fields.Str()


class SummaryEventSchema(Schema):
    """``summary``: the title (the article's headline, or null) and the chosen sentences, before any translation."""

    title = fields.Str(allow_none=True)
    segments = fields.List(fields.Nested(SummaryLineSchema))
    source_lang = fields.Str()
    target_langs = fields.List(fields.Str())


class SegmentEventSchema(SegmentSchema):
    """``segment``: one segment with its translations, its entities (their mentions in it) and warnings."""

    entities = fields.List(fields.Nested(EntitySchema))
    warnings = fields.List(fields.Nested(WarningSchema))


class EntitiesEventSchema(Schema):
    """``entities``: the whole brief's entity report."""

    entities = fields.List(fields.Nested(EntitySchema))


class DoneEventSchema(Schema):
    """``done``: the brief is complete (``id``: the stored brief, with ``"store": true``)."""

    segments = fields.Int()
    id = fields.Str()


EVENT_SCHEMAS: dict[str, type[Schema]] = {
    "summary": SummaryEventSchema, "title": SegmentEventSchema, "segment": SegmentEventSchema,
    "entities": EntitiesEventSchema, "meta": MetaSchema, "done": DoneEventSchema, "error": ProblemSchema}


def document_stream(spec: Any, operation: dict[str, Any]) -> None:
    """The event-stream answer of ``POST /v1/briefs``: each event's name and data schema (``x-events``)."""
    refs = {}
    for name, schema in EVENT_SCHEMAS.items():
        component = schema.__name__.removesuffix("Schema")
        if component not in spec.components.schemas:
            spec.components.schema(component, schema=schema)
        refs[name] = {"$ref": f"#/components/schemas/{component}"}
    content = operation.setdefault("responses", {}).setdefault("200", {}).setdefault("content", {})
    content[EVENT_STREAM] = {
        "schema": {"type": "string", "description": (
            "Server-sent events (Accept: text/event-stream, one `text`), in order: `summary`; `title` (the "
            "headline translated, when the article has one); one `segment` per summary sentence as its "
            "translations are ready; `entities`; `meta`; `done`. A failure after "
            "the first event is an `error` event (a problem document) and ends the stream. Each event's "
            "`data` is one line of JSON; `x-events` names its schema.")},
        "x-events": refs}
