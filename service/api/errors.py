"""Every error response is RFC 9457 ``application/problem+json`` with a stable ``type``.

Domain errors (``BriefsError``) map by their status and code; werkzeug/webargs
HTTP errors by status; anything unexpected is logged with its traceback and the
client gets a generic 500 that says nothing about the internals.
"""
from __future__ import annotations

import json
import logging
import math
import time
import traceback
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, g
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from service.api.public_paths import public_detail
from service.errors import BriefsError

log = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "/problems/"
PROBLEM_MIMETYPE = "application/problem+json"

# Stable codes for HTTP-level errors that do not come from the domain.
HTTP_CODES = {
    400: ("bad-request", "Malformed request"),
    401: ("unauthorized", "API key required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    413: ("body-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-failed", "Request failed validation"),
    429: ("rate-limited", "Too many requests"),
    500: ("internal-error", "Internal error"),
    503: ("unavailable", "Service unavailable"),
}
# Domain extras that are safe and useful to show (never free-form internals).
PUBLIC_EXTRAS = ("line", "file", "lang", "model", "pair")


def problem(status: int, code: str, title: str, detail: str, *,
            headers: Mapping[str, str] | None = None, **members: Any) -> Response:
    """Build a problem+json response and count it by code."""
    resources = current_app.extensions.get("briefs")
    detail = public_detail(detail, resources.settings if resources is not None else None)
    body = {"type": PROBLEM_TYPE_BASE + code, "title": title, "status": status, "detail": detail,
            "code": code, **{k: v for k, v in members.items() if v is not None}}
    metrics = current_app.extensions.get("briefs.metrics")
    if metrics is not None:
        metrics.observe_error(code)
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def briefs_error(error: BriefsError) -> Response:
    """A domain error: its own status, code, title and detail."""
    extras = {k: error.extra.get(k) for k in PUBLIC_EXTRAS if isinstance(error.extra.get(k), (str, int))}
    headers = {}
    retry_after = error.extra.get("retry_after")
    if error.status in (429, 503) and isinstance(retry_after, (int, float)) and retry_after:
        headers["Retry-After"] = str(int(retry_after))
        # flask-limiter rewrites Retry-After with its window on every response; access.py puts this one back.
        g.briefs_retry_after = headers["Retry-After"]
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="briefs"'
    if error.status >= 500 and error.status != 503:
        log.error("domain error %s: %s", error.code, error.detail)
    return problem(error.status, error.code, error.title, error.detail, headers=headers, **extras)


def http_error(error: HTTPException) -> Response:
    """A werkzeug/webargs/flask-limiter HTTP error as a problem."""
    status = error.code or 500
    if status >= 500:
        return internal_error(error)
    code, title = HTTP_CODES.get(status, (f"http-{status}", error.name))
    headers = {k: v for k, v in error.get_headers() if k.lower() in ("allow", "www-authenticate")}
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    if status == 429:
        headers["Retry-After"] = str(_retry_after_seconds())
        detail = f"rate limit exceeded ({error.description}); retry after {headers['Retry-After']} s"
    elif status == 422 and messages:
        return validation_problem(messages)
    elif status == 400 and messages:
        detail = "the request body is not valid JSON"
    else:
        detail = _http_detail(error, status)
    return problem(status, code, title, detail, headers=headers)


def validation_problem(messages: Any, location: str | None = None) -> Response:
    """422 with one entry per field error."""
    errors = field_errors(messages, location)
    fields = ", ".join(sorted({e["field"] or "body" for e in errors}))
    return problem(422, "validation-failed", HTTP_CODES[422][1],
                   f"the request failed validation ({fields})", errors=errors)


def marshmallow_error(error: ValidationError) -> Response:
    return validation_problem(error.messages, "json")


def internal_error(error: BaseException) -> Response:
    """Log once where it failed (frames, not messages: those may quote article text); tell the client nothing."""
    log.error("unexpected error handling %s: %s", getattr(g, "route", "request"), redacted_traceback(error))
    return problem(500, "internal-error", "Internal error",
                   "the server failed to handle the request; the failure was logged")


def redacted_traceback(error: BaseException) -> str:
    """The exception's type and frames (chained causes included) without any exception message."""
    parts: list[str] = []
    current: BaseException | None = error
    while current is not None and len(parts) < 5:
        frames = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"{type(current).__module__}.{type(current).__qualname__} (message withheld)\n{frames}")
        current = current.__cause__ or current.__context__
    return "\ncaused by ".join(parts)


def field_errors(messages: Any, location: str | None = None, path: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Flatten webargs/marshmallow nested messages into ``[{location, field, message}]``."""
    if isinstance(messages, Mapping):
        if path == () and location is None and set(messages) <= {"json", "query", "form", "headers",
                                                                  "files", "view_args", "cookies"}:
            return [e for loc, m in messages.items() for e in field_errors(m, loc)]
        out = []
        for key, value in messages.items():
            sub = path if key == "_schema" else (*path, str(key))
            out += field_errors(value, location, sub)
        return out
    if isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            return [{"location": location or "json", "field": ".".join(path), "message": m} for m in messages]
        return [e for m in messages for e in field_errors(m, location, path)]
    return [{"location": location or "json", "field": ".".join(path), "message": str(messages)}]


def _http_detail(error: HTTPException, status: int) -> str:
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        return f"the request body is larger than {limit} bytes (http.max_body_bytes)"
    if status == 404:
        return "no such resource; see /openapi.json for the API"
    return error.description or HTTP_CODES.get(status, ("", error.name))[1]


def _retry_after_seconds() -> int:
    limiter = current_app.extensions.get("briefs.limiter")
    try:
        current = limiter.current_limit if limiter is not None else None
        if current is not None:
            return max(1, math.ceil(current.reset_at - time.time()))
    except Exception:  # a missing window only loses precision
        log.debug("no rate limit window for Retry-After", exc_info=True)
    return 60


def register_error_handlers(app: Flask) -> None:
    """Install the problem+json handlers (flask-smorest's HTTP handler is overridden by the Api)."""
    app.register_error_handler(BriefsError, briefs_error)
    app.register_error_handler(ValidationError, marshmallow_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, internal_error)
