"""Security headers on every response (an ``after_request`` hook registered in create_app).

- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer`` everywhere;
- ``Content-Security-Policy`` on HTML: only the service's own files, no framing; Swagger UI's
  page (``/docs``) starts itself with one inline script, so that page alone allows inline scripts;
- ``Cache-Control: no-store`` on everything but static files: API answers hold unpublished drafts.
A header a view set itself is left alone.
"""
from __future__ import annotations

from flask import Flask, Response, request

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# Swagger UI's page: an inline initializer script and inline styles (its own assets are local).
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
DOCS_PAGE = "/docs"
STATIC_PREFIXES = ("/docs/assets/", "/desk/static/")


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", DOCS_CSP if request.path == DOCS_PAGE else CSP)
        headers.setdefault("X-Frame-Options", "DENY")
    if not request.path.startswith(STATIC_PREFIXES) and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response


def init_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)
