"""The OpenAPI description of the compatibility doors tells the truth, in their peers' shapes.

flask-smorest documents every operation's errors with its own (problem+json) responses; a DeepL
door answers ``{"message": ...}`` and a LibreTranslate door ``{"error": ...}``, as JSON, with the
statuses its peer uses (:mod:`service.api.compat.errors`). Language fields take exactly the codes
the server accepts: the served pairs for translation and for writing a DeepL glossary dictionary,
any known language for reading or removing one. Texts are bounded as the server bounds them.
"""
from __future__ import annotations

from typing import Any

from service.api.compat.errors import DEEPL_QUOTA_STATUS, door_of
from service.api.compat.langcodes import code_pattern

JSON = "application/json"
TRANSLATING = ("/v2/translate", "/v2/document", "/translate", "/translate_file")
GLOSSARIES = ("/v2/glossaries", "/v3/glossaries")
WRITES = ("post", "put", "patch")
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before retrying",
                               "schema": {"type": "integer", "minimum": 1}}}
# The statuses each door answers errors with (anything else is folded into 400, 5xx into 500/503).
DEEPL_ERRORS = {
    "400": "Bad request: a parameter is missing or not valid, or the language pair is not served",
    "403": "Authorization failed: the key is missing, wrong or revoked",
    "404": "No such glossary, document or dictionary",
    "413": "Request or text too large",
    "429": "Too many requests (Retry-After)",
    str(DEEPL_QUOTA_STATUS): "Character quota exceeded",
    "500": "Internal error (logged)",
    "503": "Overloaded, past the request deadline, the store or a model unavailable, or a document not ready",
}
LIBRE_ERRORS = {
    "400": "Bad request: a parameter is missing or not valid, or the language is not supported",
    "403": "The API key is missing, wrong or revoked",
    "404": "No such file",
    "413": "Request body larger than http.max_body_bytes",
    "429": "Too many requests, or the character quota exceeded (Retry-After)",
    "500": "Internal error (logged)",
    "503": "Overloaded, past the request deadline, the store or a model unavailable (Retry-After)",
}


def _error_body(field: str) -> dict[str, Any]:
    return {"type": "object", "required": [field], "properties": {field: {"type": "string"}}}


def document_doors(spec: Any, pairs: dict[str, list[str]], known_languages: list[str], max_chars: int) -> None:
    """Rewrite the doors' operations in the registered document (after flask-smorest built it)."""
    for path, operations in spec._paths.items():
        door = door_of(path)
        if door is None:
            continue
        deepl = door == "deepl"
        for method, operation in operations.items():
            if method == "parameters" or not isinstance(operation, dict):
                continue
            _peer_errors(operation, deepl=deepl)
            if method == "patch":  # PATCH without a body changes nothing and answers the glossary
                operation.get("requestBody", {})["required"] = False
            writes_dictionary = path.startswith(GLOSSARIES) and method in WRITES
            languages = _language_rules(path, pairs, known_languages, deepl=deepl, served=writes_dictionary)
            for n, schema in enumerate(_request_schemas(spec, operation)):
                properties = schema.get("properties", {})
                _constrain(properties, languages)
                if n == 0 and path in TRANSLATING and len(pairs) > 1:  # the body itself, not what it nests
                    schema["anyOf"] = _pair_branches(pairs, deepl=deepl)
                if writes_dictionary and {"source_lang", "target_lang"} <= set(properties) and len(pairs) > 1:
                    schema["anyOf"] = _pair_branches(pairs, deepl=True, detection=False)
                if path == "/v2/translate":
                    _one_or_many(properties, "text")
                if path in ("/translate", "/detect"):  # at most limits.max_chars (a list: all items together)
                    _bounded_text(properties, "q", max_chars)
            for parameter in operation.get("parameters", []):
                if isinstance(parameter, dict) and parameter.get("name") in languages:
                    parameter.setdefault("schema", {}).update(languages[parameter["name"]])


def _peer_errors(operation: dict[str, Any], *, deepl: bool) -> None:
    """Every error response in the peer's JSON shape, with the statuses the peer uses."""
    responses = operation.setdefault("responses", {})
    errors = DEEPL_ERRORS if deepl else LIBRE_ERRORS
    body = {JSON: {"schema": _error_body("message" if deepl else "error")}}
    for status in [s for s in responses if s == "default" or str(s)[0] in "45"]:
        old = responses.pop(status)
        if str(status) in errors:
            description = old.get("description") if isinstance(old, dict) and "description" in old else None
            responses[str(status)] = {"description": description or errors[str(status)], "content": body}
    for status, description in errors.items():
        responses.setdefault(status, {"description": description, "content": body})
    for status in ("429", "503"):
        responses[status].setdefault("headers", {}).update(RETRY_AFTER)
    responses["default"] = {"description": "Any other failure, in the same shape", "content": body}


def _language_rules(path: str, pairs: dict[str, list[str]], known: list[str], *, deepl: bool, served: bool
                    ) -> dict[str, dict[str, Any]]:
    """Schema rules for the language fields of one door operation (``served``: a glossary write, which
    takes only served pairs; reading a glossary takes any known language)."""
    sources = sorted(pairs)
    targets = sorted({t for ts in pairs.values() for t in ts})
    if deepl and path.startswith(GLOSSARIES) and not served:
        return {name: {"pattern": code_pattern(known)} for name in ("source_lang", "target_lang")}
    if deepl:
        return {"source_lang": {"pattern": code_pattern(sources)}, "target_lang": {"pattern": code_pattern(targets)}}
    return {"source": {"enum": ["auto", *sources]}, "target": {"enum": targets}}


def _pair_branches(pairs: dict[str, list[str]], *, deepl: bool, detection: bool = True) -> list[dict[str, Any]]:
    """With several source languages, a source takes only its own targets: one branch per source
    (plus, with ``detection``, none: DeepL without ``source_lang``, LibreTranslate ``auto``).
    LibreTranslate answers a text whose source is its target as it is."""
    if deepl:
        return [*({"required": ["source_lang"], "properties": {"source_lang": {"pattern": code_pattern([source])},
                                                               "target_lang": {"pattern": code_pattern(targets)}}}
                  for source, targets in pairs.items()),
                *([{"not": {"required": ["source_lang"]}}] if detection else [])]
    every_target = {t for targets in pairs.values() for t in targets}
    return [*({"properties": {"source": {"enum": [source]},
                              "target": {"enum": sorted(set(targets) | ({source} & every_target))}}}
              for source, targets in pairs.items()),
            {"properties": {"source": {"enum": ["auto"]}}}]


def _request_schemas(spec: Any, operation: dict[str, Any]) -> list[dict[str, Any]]:
    """The request body schemas of an operation and the components they nest (resolved $refs)."""
    found: list[dict[str, Any]] = []
    stack = [media.get("schema") for media in operation.get("requestBody", {}).get("content", {}).values()]
    while stack:
        schema = stack.pop()
        if isinstance(schema, str):  # apispec keeps a component's name until the document is dumped
            schema = spec.components.schemas.get(schema)
        if isinstance(schema, dict) and "$ref" in schema:
            schema = spec.components.schemas.get(schema["$ref"].rsplit("/", 1)[-1])
        if not isinstance(schema, dict) or any(schema is f for f in found):
            continue
        found.append(schema)
        for prop in schema.get("properties", {}).values():
            stack.extend([prop, prop.get("items")] if isinstance(prop, dict) else [])
    return found


def _one_or_many(properties: dict[str, Any], name: str) -> None:
    """DeepL's ``text`` is a list, and one string is a list of one (a form field sent once is that too)."""
    many = properties.get(name)
    if isinstance(many, dict) and many.get("type") == "array":
        properties[name] = {"anyOf": [many.get("items", {"type": "string"}), many]}


def _bounded_text(properties: dict[str, Any], name: str, max_chars: int) -> None:
    """LibreTranslate's ``q`` as the server bounds it: a string of at most ``max_chars`` characters
    (a list's items together too, which JSON Schema cannot sum: each item is bounded). New dicts:
    a field's metadata is shared by every app built from the schema."""
    text = properties.get(name)
    if not isinstance(text, dict):
        return
    if "anyOf" not in text:
        properties[name] = {**text, "maxLength": max_chars}
        return
    branches = [{**b, "items": {**b.get("items", {}), "maxLength": max_chars}} if b.get("type") == "array"
                else {**b, "maxLength": max_chars} for b in text["anyOf"]]
    properties[name] = {**text, "anyOf": branches}


def _constrain(properties: dict[str, Any], languages: dict[str, dict[str, Any]]) -> None:
    for name, rule in languages.items():
        if isinstance(properties.get(name), dict):
            properties[name].update(rule)
