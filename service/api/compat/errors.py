"""Errors in the peers' shapes: DeepL ``{"message": ...}`` and LibreTranslate ``{"error": ...}``.

A compatibility door answers every failure the way its peer would, so the peer's
client raises its own exception type: DeepL's client maps 403 to
AuthorizationException and 456 to QuotaExceededException; LibreTranslate's
clients read ``error``. Unexpected errors are logged and answered generically.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from service.api.public_paths import public_detail
from service.errors import AuthError, BriefsError, QuotaExceededError, TextTooLongError

log = logging.getLogger(__name__)

# DeepL's documented status codes; anything else below 500 becomes 400.
DEEPL_STATUSES = frozenset({400, 403, 404, 413, 429, 456, 503})
DEEPL_QUOTA_STATUS = 456
LIBRE_STATUSES = frozenset({400, 403, 404, 429})


class PeerError(Exception):
    """A failure a door reports in its peer's words, with the peer's status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _domain_status(error: BriefsError, *, deepl: bool) -> int:
    if isinstance(error, AuthError):
        return 403  # both peers answer a missing or wrong key with 403
    if isinstance(error, QuotaExceededError):
        return DEEPL_QUOTA_STATUS if deepl else 429
    if isinstance(error, TextTooLongError):
        return 413 if deepl else 400
    if error.status >= 500:
        return 503 if deepl else 500
    allowed = DEEPL_STATUSES if deepl else LIBRE_STATUSES
    return error.status if error.status in allowed else 400


def _http_status(error: HTTPException, *, deepl: bool) -> int:
    status = error.code or 500
    if status >= 500:
        return 503 if deepl and status == 503 else 500
    allowed = DEEPL_STATUSES if deepl else LIBRE_STATUSES
    return status if status in allowed else 400


def _http_message(error: HTTPException) -> str:
    status = error.code or 500
    if status == 429:
        return f"Slowdown: rate limit exceeded ({error.description})"
    if status == 413:
        return "request body too large"
    if status == 404:
        return "not found"
    if status == 405:
        return "method not allowed"
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if messages:
        return f"invalid request: {_flatten(messages)}"
    return error.description or error.name


def _flatten(messages: object) -> str:
    if isinstance(messages, dict):
        parts = []
        for key, value in messages.items():
            inner = _flatten(value)
            parts.append(inner if key in ("json", "form", "query", "_schema") else f"{key}: {inner}")
        return "; ".join(parts)
    if isinstance(messages, (list, tuple)):
        return "; ".join(_flatten(m) for m in messages)
    return str(messages)


def _respond(field: str, status: int, message: str, code: str) -> Response:
    metrics = current_app.extensions.get("briefs.metrics")
    if metrics is not None:
        metrics.observe_error(code)
    resources = current_app.extensions.get("briefs")
    # The same rule as problem+json: a detail names no server folder.
    response = jsonify({field: public_detail(message, resources.settings if resources is not None else None)})
    response.status_code = status
    return response


def peer_error_handlers(*, deepl: bool) -> dict[type[Exception], Callable[[Any], Response]]:
    """Handlers for one door: domain errors, validation, HTTP errors and anything unexpected."""
    field = "message" if deepl else "error"

    def domain(error: BriefsError) -> Response:
        status = _domain_status(error, deepl=deepl)
        if status >= 500 and error.status != 503:
            log.error("domain error %s on a compatibility door: %s", error.code, error.detail)
        response = _respond(field, status, error.detail, error.code)
        retry_after = error.extra.get("retry_after")
        if status in (429, 503) and isinstance(retry_after, (int, float)) and retry_after:
            response.headers["Retry-After"] = str(int(retry_after))
            g.briefs_retry_after = response.headers["Retry-After"]  # flask-limiter would overwrite it
        return response

    def peer(error: PeerError) -> Response:
        return _respond(field, error.status, error.message, f"peer-{error.status}")

    def validation(error: ValidationError) -> Response:
        return _respond(field, 400, f"invalid request: {_flatten(error.messages)}", "validation-failed")

    def http(error: HTTPException) -> Response:
        status = _http_status(error, deepl=deepl)
        if status >= 500:
            return unexpected(error)
        response = _respond(field, status, _http_message(error), f"http-{status}")
        if status == 429:
            response.headers["Retry-After"] = "60"
        return response

    def unexpected(error: BaseException) -> Response:
        log.error("unexpected error on a compatibility door", exc_info=error)
        status = 500
        return _respond(field, status, "internal error; the failure was logged", "internal-error")

    return {BriefsError: domain, PeerError: peer, ValidationError: validation,
            HTTPException: http, Exception: unexpected}


def install_peer_errors(blp: Blueprint, *, deepl: bool) -> None:
    """Answer every error raised while serving ``blp`` in its peer's shape."""
    for exc_type, handler in peer_error_handlers(deepl=deepl).items():
        blp.register_error_handler(exc_type, handler)
