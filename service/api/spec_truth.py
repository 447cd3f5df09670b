"""The OpenAPI document tells the truth about what the service answers and enforces.

flask-smorest documents every error as ``application/json``; ours are ``application/problem+json``
(the compatibility doors keep their peers' shapes: :mod:`service.api.compat.openapi`). Constraints that
marshmallow cannot put on a field are added to the request components here: ``text`` xor
``texts``, not both ``sentences`` and ``ratio``, ``ratio > 0``, a segment change's ``text`` or
``confirmed``, and the languages this deployment translates (from the model registry in settings).
"""
from __future__ import annotations

from typing import Any

from flask_smorest import Api

from service.api.brief_stream import document_stream
from service.api.compat.openapi import document_doors
from service.api.errors import PROBLEM_MIMETYPE
from service.glossary.validation import MAX_NOTE_CHARS, MAX_TERM_CHARS
from service.languages import LANGUAGES
from service.settings import Settings

JSON = "application/json"
OWN_PREFIXES = ("/v1/", "/healthz", "/readyz", "/metrics")
# Statuses any of our operations may answer with a problem (keys, limits, bodies, load).
COMMON_ERRORS = {
    "400": "Malformed request (not JSON, nested too deeply, duplicate keys, a key in the URL)",
    "401": "API key required (when keys are on)",
    "403": "API key revoked, or not allowed to do this",
    "413": "Request body or text too large",
    "415": "Unsupported body media type",
    "429": "Rate limit or character quota exceeded (Retry-After)",
    "503": "Overloaded, past the request deadline, or a model is missing (Retry-After when retrying helps)",
}


def tell_the_truth(api: Api, settings: Settings) -> None:
    """Rewrite the registered document in place (call after every blueprint is registered)."""
    spec = api.spec
    for response in spec.components.responses.values():
        _as_problem(response)
    for path, operations in spec._paths.items():
        if not path.startswith(OWN_PREFIXES):
            continue
        for method, operation in operations.items():
            if method == "parameters" or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                if status == "default" or str(status)[0] in "45":
                    _as_problem(response)
            for status, description in COMMON_ERRORS.items():
                responses.setdefault(status, {"description": description, "content": {
                    PROBLEM_MIMETYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}})
    _request_constraints(spec.components.schemas, settings)
    _briefs_answer(spec._paths.get("/v1/briefs", {}))
    document_stream(spec, spec._paths.get("/v1/briefs", {}).get("post", {}))
    _store_answers(spec._paths)
    document_doors(spec, translation_pairs(settings), sorted(LANGUAGES), settings.limits.max_chars)


# Glossary edits that honour If-Match (service/api/versioning.py): the version a client read, or "*".
GLOSSARY_EDITS = (("/v1/glossaries/{name}", "put"), ("/v1/glossaries/{name}", "delete"),
                  ("/v1/glossaries/{name}/entries", "post"), ("/v1/glossaries/{name}/entries", "delete"))
IF_MATCH = {
    "in": "header", "name": "If-Match", "required": False,
    "description": 'Optimistic concurrency: the glossary version this edit is based on, as an entity tag '
                   '(`"7"`, or `W/"7"`; `*` or no header: the current version). If another editor changed the '
                   "glossary since, the edit changes nothing and answers 409 conflict.",
    "schema": {"type": "string", "pattern": r'^[ \t]*(?:\*|(?:W/)?"[0-9]{1,18}")[ \t]*$'},
}
RETRY_AFTER = {"description": "seconds to wait before retrying", "schema": {"type": "integer", "minimum": 1}}
# Operations that never touch the store (no key check, no data): everything else may meet it unavailable.
STORELESS = ("/healthz", "/metrics")
STORE_UNAVAILABLE = ("Store unavailable (problem+json code `store-unavailable`, naming the store: the database "
                     "or the rate-limit Redis; with Retry-After; the service recovers by itself when it returns), "
                     "overloaded or past the request deadline (Retry-After), or a model missing")


def _store_answers(paths: dict[str, Any]) -> None:
    """If-Match on glossary edits (409 when stale, 422 when malformed); 503 store-unavailable everywhere
    the store is read or written (every key check reads it), and Retry-After on 429 and 503."""
    for path, method in GLOSSARY_EDITS:
        operation = paths.get(path, {}).get(method)
        if operation is None:
            continue
        operation.setdefault("parameters", []).append(dict(IF_MATCH))
        responses = operation["responses"]
        responses["409"] = _problem("the glossary is no longer at the version named in If-Match; nothing changed")
        responses.setdefault("422", _problem('malformed If-Match (use one version, e.g. "7"), or a bad body'))
    for path, operations in paths.items():
        if not path.startswith(OWN_PREFIXES):
            continue
        for method, operation in operations.items():
            if method == "parameters" or not isinstance(operation, dict):
                continue
            responses = operation.get("responses", {})
            if path.startswith(STORELESS) or path == "/readyz":  # /readyz names the store in its own 503
                continue
            responses["503"] = _problem(STORE_UNAVAILABLE)
            for status in ("429", "503"):
                if status in responses:
                    responses[status].setdefault("headers", {})["Retry-After"] = dict(RETRY_AFTER)


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {PROBLEM_MIMETYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _briefs_answer(operations: dict[str, Any]) -> None:
    """POST /v1/briefs answers one brief for ``text`` and a list of briefs for ``texts``."""
    content = operations.get("post", {}).get("responses", {}).get("200", {}).get("content", {})
    if JSON in content:
        one = content[JSON]["schema"]
        content[JSON]["schema"] = {"oneOf": [one, {"type": "array", "items": one}]}


def _as_problem(response: dict[str, Any]) -> None:
    content = response.get("content") if isinstance(response, dict) else None
    if content and JSON in content:
        content[PROBLEM_MIMETYPE] = content.pop(JSON)


def translation_pairs(settings: Settings) -> dict[str, list[str]]:
    """Source language -> its target languages, for every configured translation pair."""
    pairs: dict[str, set[str]] = {}
    for key in settings.models.get("translation") or {}:
        source, _, target = str(key).partition("-")
        if source and target:
            pairs.setdefault(source, set()).add(target)
    return {source: sorted(targets) for source, targets in sorted(pairs.items())}


def target_languages(settings: Settings) -> list[str]:
    """Languages the configured translation pairs take the source language into."""
    return translation_pairs(settings).get(settings.source_lang, [])


# A glossary term as service/glossary/validation.py stores it: not blank, no spaces at either end, one
# line without control characters, at most MAX_TERM_CHARS long; aliases also without '|'.
def _term_pattern(excluded: str = "") -> str:
    edge, inner = rf"[^\s\x00-\x1f\x7f{excluded}]", rf"[^\x00-\x1f\x7f{excluded}]"
    return f"^{edge}(?:{inner}*{edge})?$"


TERM = _term_pattern()
ALIAS = _term_pattern("|")
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"


def _entry_terms(properties: dict[str, Any]) -> None:
    """The term rules of a glossary entry (source, aliases, renderings and notes) in its schema."""
    term = {"type": "string", "pattern": TERM, "maxLength": MAX_TERM_CHARS}
    if "source" in properties:
        properties["source"].update(term)
    if "aliases" in properties:
        properties["aliases"]["items"] = {"type": "string", "pattern": ALIAS, "maxLength": MAX_TERM_CHARS}
        properties["aliases"]["uniqueItems"] = True
    renderings = properties.get("renderings")
    if renderings is not None:  # one rendering per known language code, in lower case
        renderings.pop("additionalProperties", None)
        renderings["properties"] = {lang: dict(term) for lang in sorted(LANGUAGES)}
        renderings["additionalProperties"] = False
        renderings["minProperties"] = renderings.pop("minLength", renderings.get("minProperties", 1))
    if "notes" in properties:
        properties["notes"].update(pattern=ONE_LINE, maxLength=MAX_NOTE_CHARS)


def _request_constraints(schemas: dict[str, Any], settings: Settings) -> None:
    targets = target_languages(settings)
    for name in ("BriefsRequest", "TranslateRequest", "JobJson", "JobUpload"):
        properties = schemas.get(name, {}).get("properties", {})
        if targets and "target_langs" in properties:
            properties["target_langs"]["items"]["enum"] = targets
        if "source_lang" in properties:
            properties["source_lang"]["enum"] = [settings.source_lang]
    for name in ("InlineEntry", "Entry"):
        _entry_terms(schemas.get(name, {}).get("properties", {}))
    if "JobJson" in schemas:  # (not on the multipart JobUpload: schemathesis cannot judge a binary part there)
        schemas["JobJson"]["not"] = {"required": ["sentences", "ratio"]}
        schemas["JobJson"]["oneOf"] = [{"required": ["texts"], "not": {"required": ["articles"]}},
                                       {"required": ["articles"], "not": {"required": ["texts"]}}]
        schemas["JobJson"]["example"] = {"texts": ["The harbor reopened on Monday. Ferries run again."],
                                         "sentences": 1}
    edit = schemas.get("SegmentEdit")
    if edit:  # text, confirmed or both
        edit["anyOf"] = [{"required": ["text"]}, {"required": ["confirmed"]}]
        edit["example"] = {"lang": targets[0] if targets else "ja", "confirmed": True}
        if targets and "lang" in edit.get("properties", {}):
            edit["properties"]["lang"]["enum"] = targets
    briefs = schemas.get("BriefsRequest")
    if briefs:
        briefs["oneOf"] = [{"required": ["text"], "not": {"required": ["texts"]}},
                           {"required": ["texts"], "not": {"required": ["text"]}}]
        briefs["not"] = {"required": ["sentences", "ratio"]}
        # A whole valid body: example-based generators otherwise merge property examples past "not".
        briefs["example"] = {"text": "The harbor reopened on Monday. Ferries run again.", "sentences": 1}
        ratio = briefs.get("properties", {}).get("ratio")
        if ratio is not None:
            ratio["exclusiveMinimum"] = True
