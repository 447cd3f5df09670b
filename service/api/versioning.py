"""Optimistic concurrency for glossary edits: ``If-Match: "<version>"`` makes an edit conditional.

A client reads a glossary (its JSON carries ``version``), edits, and sends the version it read
in If-Match; if another editor (on any worker or host) changed the glossary meanwhile, the store
refuses with 409 and changes nothing, so no update is silently lost. Without If-Match (or with
``*``) edits apply to the current version, as before.
"""
from __future__ import annotations

import re

from flask import request

from service.errors import BadInputError

# Exactly the header /openapi.json documents (spaces and tabs around it, ASCII digits).
_VERSION_TAG = re.compile(r'^[ \t]*(?:W/)?"([0-9]{1,18})"[ \t]*$')


def expected_version() -> int | None:
    """The glossary version named by this request's If-Match header, or None when there is none."""
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip(" \t") == "*":
        return None
    found = _VERSION_TAG.fullmatch(raw)
    if found is None:
        raise BadInputError('If-Match must name one glossary version as an entity tag, e.g. If-Match: "7"')
    return int(found.group(1))
