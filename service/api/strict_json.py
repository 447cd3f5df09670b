"""Strict reading of JSON request bodies: malformed input is a 400, never a 500.

Python's ``json`` accepts things a client should be told off for (duplicate keys, ``NaN``,
``1e400``, lone surrogates such as ``"\\ud800"``) and fails with errors that are not
``ValueError`` on others (``RecursionError`` for deep nesting, a digit-limit ``ValueError``
deep inside webargs). One ``before_request`` hook reads every JSON body once with
:func:`strict_loads`, before the key check and the route's own parsing, so each door sees
only bodies that are plain, finite, well-formed JSON.
"""
from __future__ import annotations

import json
import math
from typing import Any

from flask import Flask, current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from service.api.media import is_json

# Longer integers than this are no count, size or id any endpoint takes.
MAX_INT_DIGITS = 40


class MalformedJson(BadRequest):
    """A JSON body the service will not read; the description says why."""


def strict_loads(data: bytes | str, *, max_depth: int) -> Any:
    """Parse JSON, refusing duplicate keys, non-finite or huge numbers, lone surrogates and deep nesting."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedJson(f"the body is not valid UTF-8 (byte offset {exc.start})") from None
    try:
        value = json.loads(data, object_pairs_hook=_unique_keys, parse_constant=_no_constant,
                           parse_int=_bounded_int, parse_float=_finite_float)
    except RecursionError:
        raise MalformedJson(f"the body is nested more than {max_depth} levels deep") from None
    except json.JSONDecodeError as exc:
        raise MalformedJson(f"the body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    _check_tree(value, max_depth)
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise MalformedJson(f"the body repeats the key {_shown(key)!r}; send each key once")
        out[key] = value
    return out


def _no_constant(name: str) -> float:
    raise MalformedJson(f"{name} is not a JSON number; send a finite number")


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise MalformedJson(f"a number in the body has more than {MAX_INT_DIGITS} digits")
    return int(digits)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise MalformedJson(f"the number {text[:30]} is out of range; send a finite number")
    return value


def _check_tree(value: Any, max_depth: int) -> None:
    """Depth and string check without recursion: a lone surrogate cannot be stored or encoded."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > max_depth:
                raise MalformedJson(f"the body is nested more than {max_depth} levels deep")
            items = [*node.keys(), *node.values()] if isinstance(node, dict) else node
            stack.extend((item, depth + 1) for item in items)
        elif isinstance(node, str) and _has_surrogate(node):
            raise MalformedJson("the body holds a lone UTF-16 surrogate (\\ud800-\\udfff); send valid Unicode")


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _shown(key: str) -> str:
    return key[:40].encode("utf-8", "replace").decode("utf-8")


def check_json_body() -> None:
    """before_request: a JSON body must pass :func:`strict_loads` before anything else reads it."""
    if not is_json(request.mimetype):
        return
    data = request.get_data(cache=True)
    if not data:
        return
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if request.content_length is None and limit and len(data) >= limit:
        # A chunked body has no length to refuse up front; werkzeug stops reading it at the limit, so a
        # body that reaches it was cut there: 413, as for a body that says its length.
        raise RequestEntityTooLarge()
    strict_loads(data, max_depth=current_app.extensions["briefs"].settings.limits.max_json_depth)


def init_strict_json(app: Flask) -> None:
    """Register the body check; call before anything that reads the body (the key check does)."""
    app.before_request(check_json_body)
