"""Errors in the peers' shapes: DeepL ``{"message": ...}`` and LibreTranslate ``{"error": ...}``.

A compatibility door answers every failure the way its peer would, so the peer's
client raises its own exception type: DeepL's client maps 403 to
AuthorizationException and 456 to QuotaExceededException; LibreTranslate's
clients read ``error``. Unexpected errors are logged and answered generically.

The blueprints' handlers cover their own routes; :func:`install_door_fallbacks` covers the rest
of each door's paths (an unknown route or a wrong method under ``/v2`` or ``/v3``, a refusal
before any route matched), so nothing under a door ever answers problem+json.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from service.api.compat.schemas import EMPTY, REQUIRED
from service.api.public_paths import public_detail
from service.errors import AuthError, BriefsError, QuotaExceededError, TextTooLongError

log = logging.getLogger(__name__)

# The paths of each door (LibreTranslate's routes sit at the root, beside ours).
DEEPL_PREFIXES = ("/v2/", "/v3/")
LIBRE_PATHS = ("/translate", "/detect", "/languages", "/frontend/", "/translate_file", "/download_file/")
# The statuses each door answers with; anything else below 500 becomes 400.
DEEPL_STATUSES = frozenset({400, 403, 404, 405, 413, 429, 456, 503})
DEEPL_QUOTA_STATUS = 456
LIBRE_STATUSES = frozenset({400, 403, 404, 405, 413, 429, 503})


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
        return 503 if error.status == 503 or deepl else 500  # overloaded, deadline, store: retry later
    allowed = DEEPL_STATUSES if deepl else LIBRE_STATUSES
    return error.status if error.status in allowed else 400


def _http_status(error: HTTPException, *, deepl: bool) -> int:
    status = error.code or 500
    if status >= 500:
        return 503 if status == 503 else 500
    allowed = DEEPL_STATUSES if deepl else LIBRE_STATUSES
    return status if status in allowed else 400


def _http_message(error: HTTPException) -> str:
    status = error.code or 500
    if status == 429:
        return f"Slowdown: rate limit exceeded ({error.description})"
    if status == 413:
        return "request body too large"
    if status == 404:
        return "not found: this service has no such endpoint (see /openapi.json)"
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


def _libre_validation(messages: object) -> str | None:
    """LibreTranslate's words for a missing (or empty) parameter: "Invalid request: missing q parameter"."""
    if isinstance(messages, dict):
        for name, problems in messages.items():
            if isinstance(problems, list) and problems and set(problems) <= {EMPTY, REQUIRED}:
                return f"Invalid request: missing {name} parameter"
    return None


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
        message = _libre_validation(error.messages) if not deepl else None
        return _respond(field, 400, message or f"invalid request: {_flatten(error.messages)}", "validation-failed")

    def http(error: HTTPException) -> Response:
        status = _http_status(error, deepl=deepl)
        if status >= 500:
            return unexpected(error)
        response = _respond(field, status, _http_message(error), f"http-{status}")
        if status == 429:
            response.headers["Retry-After"] = "60"
        if status == 405:
            response.headers.update({k: v for k, v in error.get_headers() if k.lower() == "allow"})
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


def door_of(path: str) -> str | None:
    """``"deepl"`` or ``"libre"`` for a path under that door (routed or not), else None."""
    if path.startswith(DEEPL_PREFIXES) or path in ("/v2", "/v3"):
        return "deepl"
    if path.startswith(LIBRE_PATHS):
        return "libre"
    return None


def install_door_fallbacks(app: Flask) -> None:
    """Errors no door blueprint handled (no route matched, or none was reached) on a door's path
    answer in that door's shape; every other path keeps the app's own (problem+json) handlers.

    Call after the app's handlers are installed: this wraps them."""
    doors = {"deepl": peer_error_handlers(deepl=True), "libre": peer_error_handlers(deepl=False)}
    installed = app.error_handler_spec[None][None]
    for exc_type in doors["deepl"]:
        own = installed.get(exc_type) or installed[Exception]  # PeerError has no handler of the app's own
        app.register_error_handler(exc_type, _by_door(exc_type, own, doors))


def _by_door(exc_type: type[Exception], own: Callable[[Any], Any],
             doors: dict[str, dict[type[Exception], Callable[[Any], Response]]]) -> Callable[[Any], Any]:
    def handle(error: Exception) -> Any:
        door = door_of(request.path)
        return own(error) if door is None else doors[door][exc_type](error)

    return handle
