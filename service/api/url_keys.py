"""Keys never travel in URLs: a query-string key is refused (400) and redacted from the access log.

URLs are written to access logs, proxy logs and browser history, so a key sent as ``?api_key=``
or ``?auth_key=`` is refused before it is checked, with an error that says where to send it.
The same names (and the Authorization header) are kept out of gunicorn's access log by
:class:`RedactingLogger` (``logger_class`` in config/gunicorn.conf.py), which also covers the
refused request itself and the Referer.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, request
from gunicorn.glogging import Logger

from service.errors import KeyInUrlError

KEY_PARAMETERS = ("api_key", "auth_key", "key", "token", "access_token")
SECRET_HEADERS = ("authorization", "cookie", "proxy-authorization", "x-api-key")
REDACTED = "[redacted]"
_KEY_IN_QUERY = re.compile(r"(?i)((?:^|[?&;])(?:" + "|".join(KEY_PARAMETERS) + r")=)[^&;#\s\"]*")


def redact_query(text: str) -> str:
    """``text`` (a URL, request line or query string) with the value of every key parameter replaced."""
    return _KEY_IN_QUERY.sub(r"\g<1>" + REDACTED, text)


def refuse_keys_in_url() -> None:
    """before_request: 400 key-in-url when the query string carries a key."""
    named = sorted({name for name in request.args if name.lower() in ("api_key", "auth_key")})
    if named:
        raise KeyInUrlError(
            f"API keys are not accepted in the URL ({', '.join(named)}); send 'Authorization: Bearer <key>' "
            "(or 'DeepL-Auth-Key <key>') instead, and consider the key exposed: URLs are logged")


def init_url_keys(app: Flask) -> None:
    app.before_request(refuse_keys_in_url)


class RedactingLogger(Logger):
    """gunicorn's logger with keys redacted from every atom: request line, query, Referer, headers, environ."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        atoms: dict = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if _names_secret(name):
                atoms[name] = REDACTED
            elif isinstance(value, str):
                atoms[name] = redact_query(value)
        atoms["u"] = "-"  # the Basic-auth user name would come from Authorization
        return atoms


def _names_secret(atom: str) -> bool:
    """A request header (``{authorization}i``) or environ variable (``{http_authorization}e``) that holds a secret."""
    if not (atom.startswith("{") and atom[-2:] in ("}i", "}e")):
        return False
    name = atom[1:-2].lower().removeprefix("http_").replace("_", "-")
    return name in SECRET_HEADERS
