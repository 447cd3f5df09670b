"""DeepL-compatible text API: /v2/translate, /v2/languages, /v2/usage, /v2/glossary-language-pairs."""
from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from service.api import access
from service.api.compat.detection import get_detector
from service.api.compat.engine import TextJob, translate_texts
from service.api.compat.errors import PeerError, install_peer_errors
from service.api.compat.langcodes import check_pair, deepl_code, target_variants
from service.api.compat.markup import parse_markup
from service.api.compat.schemas import (
    DeepLErrorSchema,
    DeepLLanguageSchema,
    DeepLTranslateSchema,
    DeepLTranslationsSchema,
    DeepLUsageSchema,
    GlossaryPairsSchema,
    body_doc,
    load_body,
)
from service.api.compat.served import detection_candidates, served_pairs
from service.api.context import get_resources
from service.api.metrics_view import observe_timings
from service.api.tenancy import current_tenant, visible_glossary_id
from service.errors import TextTooLongError
from service.languages import LANGUAGES
from service.runtime.resources import Resources

blp = Blueprint("deepl", __name__, url_prefix="/v2", description="DeepL-compatible API (text, languages, usage)")
install_peer_errors(blp, deepl=True)

LIST_FIELDS = ("text", "ignore_tags", "non_splitting_tags", "splitting_tags")
# DeepL's answer for "no limit": its Pro accounts report this figure.
UNLIMITED = 1_000_000_000_000
# Every pair is served by one encoder-decoder model of the classic kind, which DeepL calls
# latency-optimized; ``model_type`` asks for a goal, and the answer says honestly which kind served it.
MODEL_TYPE_USED = "latency_optimized"
# DeepL parameters of features this service does not have: refused, never silently ignored.
UNSUPPORTED_FEATURES = {"style_id": "Style rules", "custom_instructions": "Custom instructions"}

ERRORS = {"responses": {str(s): {"description": d, "content": {"application/json": {"schema": DeepLErrorSchema}}}
                        for s, d in ((400, "bad parameters or unsupported language"), (403, "bad or missing key"),
                                     (413, "text too long"), (429, "too many requests"),
                                     (456, "character quota exceeded"))}}


def _job(body: dict[str, Any], source: str, target: str) -> TextJob:
    glossary = body.get("glossary_id")
    return TextJob(source_lang=source, target_lang=target, glossaries=(glossary,) if glossary else (),
                   split_sentences=body["split_sentences"] != "0", tag_handling=body.get("tag_handling"),
                   ignore_tags=tuple(body.get("ignore_tags") or ()), tenant=current_tenant())


def _plain(text: str, tag_handling: str | None) -> str:
    if not tag_handling:
        return text
    return " ".join(parse_markup(text, mode=tag_handling).texts())


def check_length(texts: list[str], resources: Resources) -> None:
    """413 before any work (detection, markup, models) when the texts pass ``limits.max_chars``."""
    limit = resources.settings.limits.max_chars
    total = sum(len(t) for t in texts)
    if total > limit:
        raise TextTooLongError(f"the texts total {total} characters; the limit is {limit} (limits.max_chars)")


def _detect_sources(texts: list[str], body: dict[str, Any], target: str, resources: Resources) -> list[str]:
    """The source language of each text; 400 when one is confidently in a language that does not
    translate into ``target`` (an unsure one is taken to be in the served source)."""
    candidates = detection_candidates(resources, target)
    sources = []
    for detection in get_detector().sources([_plain(t, body.get("tag_handling")) for t in texts], candidates):
        if detection.language not in candidates:
            raise PeerError(400, f"Detected source language {deepl_code(detection.language)} is not supported "
                                 f"for target_lang {deepl_code(target)}; set 'source_lang'.")
        sources.append(detection.language)
    return sources


@blp.route("/translate", methods=["POST"])
@blp.doc(**body_doc(DeepLTranslateSchema), **ERRORS)
@blp.response(200, DeepLTranslationsSchema)
def translate() -> ResponseReturnValue:
    """Translate texts as DeepL does, through this service's pipeline and glossaries."""
    body = load_body(DeepLTranslateSchema(), LIST_FIELDS)
    resources = get_resources()
    source, target = check_pair(body.get("source_lang"), body["target_lang"], resources)
    if body.get("formality") in ("less", "more"):
        raise PeerError(400, "'formality' is not supported for given 'target_lang'.")
    for name, feature in UNSUPPORTED_FEATURES.items():
        if name in body:
            raise PeerError(400, f"{feature} ('{name}') are not supported by this service.")
    if body.get("glossary_id") and source is None:
        raise PeerError(400, "Use of a glossary requires the source_lang parameter to be set.")
    if body.get("glossary_id"):  # as this key's tenant sees it: another tenant's is unknown (404), before any work
        body["glossary_id"] = visible_glossary_id(body["glossary_id"])
    texts = body["text"]
    check_length(texts, resources)
    sources = [source] * len(texts) if source else _detect_sources(texts, body, target, resources)
    access.charge(sum(len(t) for t in texts))  # only a request that will be translated is charged
    translated = list(texts)
    for language in sorted(set(sources) - {target}):
        indexes = [n for n, s in enumerate(sources) if s == language]
        outputs = translate_texts([texts[n] for n in indexes], _job(body, language, target), resources,
                                  observe=observe_timings)
        for n, output in zip(indexes, outputs, strict=True):
            translated[n] = output
    extra = {"model_type_used": MODEL_TYPE_USED} if body.get("model_type") else {}
    return {"translations": [{"detected_source_language": deepl_code(s), "text": t, "billed_characters": len(x),
                              **extra} for s, t, x in zip(sources, translated, texts, strict=True)]}


@blp.route("/languages", methods=["GET", "POST"])
@blp.doc(parameters=[{"in": "query", "name": "type", "schema": {"type": "string", "enum": ["source", "target"]}}])
@blp.response(200, DeepLLanguageSchema(many=True))
def languages() -> ResponseReturnValue:
    """Source languages, or with ``type=target`` the target languages (form or query)."""
    # DeepL's client sends ``type`` as a form body even on GET; werkzeug leaves that out of ``values``.
    kind = request.form["type"] if "type" in request.form else request.args.get("type", "source")
    if kind not in ("source", "target"):
        raise PeerError(400, "Value for 'type' not supported.")
    pairs = served_pairs(get_resources())
    if kind == "source":
        return [{"language": deepl_code(c), "name": LANGUAGES.get(c, c)} for c in pairs]
    targets = sorted({t for ts in pairs.values() for t in ts})
    return [{"language": code, "name": LANGUAGES.get(t, t) + (f" ({code[3:]})" if "-" in code else ""),
             "supports_formality": False} for t in targets for code in target_variants(t)]


@blp.route("/usage", methods=["GET", "POST"])
@blp.response(200, DeepLUsageSchema)
def usage() -> ResponseReturnValue:
    """Characters and documents the calling key used today (UTC), and its daily limits (documents have
    none of their own: the characters bound them)."""
    key = access.current_key()
    if key is None:
        return {"character_count": 0, "character_limit": UNLIMITED, "document_count": 0,
                "document_limit": UNLIMITED}
    used = current_app.extensions["briefs.keys"].usage(key.id).characters
    quota = access.quota_for(key, get_resources().settings)
    documents = current_app.extensions["briefs.document_usage"].count(key.id)
    return {"character_count": used, "character_limit": quota or UNLIMITED, "document_count": documents,
            "document_limit": UNLIMITED}


@blp.route("/glossary-language-pairs", methods=["GET"])
@blp.response(200, GlossaryPairsSchema)
def glossary_language_pairs() -> ResponseReturnValue:
    """Every served pair: each can carry a glossary."""
    pairs = served_pairs(get_resources())
    return {"supported_languages": [{"source_lang": s, "target_lang": t} for s, ts in pairs.items() for t in ts]}
