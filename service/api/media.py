"""Content types: what request bodies a route accepts, and which glossary format a client wants."""
from __future__ import annotations

from collections.abc import Callable

from flask import request
from werkzeug.exceptions import NotAcceptable, UnsupportedMediaType

JSON = "application/json"
# Glossary file formats by MIME type, as the glossary store names them.
GLOSSARY_FORMATS = {
    "text/tab-separated-values": "tsv",
    "text/csv": "csv",
    "application/x-tbx": "tbx",
    "application/xml": "tbx",
    "text/xml": "tbx",
}
EXPORT_MIMETYPES = {"tsv": "text/tab-separated-values", "csv": "text/csv", "tbx": "application/x-tbx"}
BODY_METHODS = ("POST", "PUT", "PATCH")


def is_json(mimetype: str) -> bool:
    return mimetype == JSON or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def require_body_types(*, files: bool = False) -> Callable[[], None]:
    """A before_request hook: 415 unless the body is JSON (or, with ``files``, a glossary file).

    Requests without a body (DELETE of a resource, GET) are not checked.
    """

    def check() -> None:
        if request.method not in BODY_METHODS and not request.content_length:
            return
        mimetype = request.mimetype
        if is_json(mimetype) or (files and mimetype in GLOSSARY_FORMATS):
            return
        allowed = [JSON] + (list(GLOSSARY_FORMATS) if files else [])
        raise UnsupportedMediaType(
            f"send the body as {' or '.join(allowed)}" + (f", not {mimetype}" if mimetype else "")
        )

    return check


def upload_format() -> str | None:
    """The glossary file format of the request body, or None for JSON."""
    return GLOSSARY_FORMATS.get(request.mimetype)


def download_format() -> str | None:
    """The glossary file format the client asked for in Accept, or None for JSON (406 if neither)."""
    offered = [JSON, *EXPORT_MIMETYPES.values(), "application/xml"]
    best = request.accept_mimetypes.best_match(offered) if request.accept_mimetypes else JSON
    if best is None:
        raise NotAcceptable(f"this resource is available as {', '.join(offered)}")
    return None if best == JSON else GLOSSARY_FORMATS[best]
