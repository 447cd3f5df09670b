"""LibreTranslate-compatible API: /translate, /detect, /languages, /frontend/settings, /translate_file."""
from __future__ import annotations

from typing import Any

from flask import Response, request, url_for
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from service.api import access
from service.api.compat.detection import get_detector, sample
from service.api.compat.document_formats import (
    DOCUMENT_CONTENT,
    MIMETYPES,
    UPLOAD_ENCODING,
    UPLOAD_FILE,
    DocumentLimits,
    UnsupportedFileType,
    format_of,
    read_document,
)
from service.api.compat.documents import get_jobs
from service.api.compat.engine import TextJob, translate_texts
from service.api.compat.errors import PeerError, install_peer_errors
from service.api.compat.markup import parse_markup
from service.api.compat.schemas import (
    FrontendSettingsSchema,
    LibreDetectionSchema,
    LibreDetectSchema,
    LibreErrorSchema,
    LibreFileSchema,
    LibreLanguageSchema,
    LibreTranslateResultSchema,
    LibreTranslateSchema,
    TranslatedFileSchema,
    body_doc,
    load_body,
)
from service.api.compat.served import detection_candidates, served_languages, served_pairs
from service.api.context import get_resources
from service.api.metrics_view import observe_timings
from service.api.tenancy import current_tenant
from service.languages import LANGUAGES

blp = Blueprint("libretranslate", __name__, description="LibreTranslate-compatible API")
install_peer_errors(blp, deepl=False)

# LibreTranslate answers browsers from any origin (its web page and extensions call it directly).
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Allow-Methods": "GET, POST",
    "Access-Control-Max-Age": str(60 * 60 * 24),
}


@blp.after_request
def allow_browsers(response: Response) -> Response:
    """The CORS headers LibreTranslate sends, on every answer of this door."""
    response.headers.update(CORS_HEADERS)
    return response


FILE_FORMATS = (".txt", ".html", ".docx", ".xlf")
ERRORS = {"responses": {str(s): {"description": d, "content": {"application/json": {"schema": LibreErrorSchema}}}
                        for s, d in ((400, "bad parameters or unsupported language"), (403, "bad or missing key"),
                                     (429, "slow down"))}}


def _pair(source: str, target: str) -> None:
    pairs = served_pairs(get_resources())
    if source not in pairs:
        raise PeerError(400, f"{source} is not supported")
    if target not in pairs[source]:
        raise PeerError(400, f"{target} is not supported")


def _languages(source: str, target: str) -> tuple[str, str]:
    """``source`` (a served source language or ``auto``) and ``target`` (a served target), as sent:
    LibreTranslate's codes are exact (``en``, not ``EN`` or `` en``); 400 otherwise."""
    pairs = served_pairs(get_resources())
    if not any(target in targets for targets in pairs.values()):
        raise PeerError(400, f"{target} is not supported")
    if source != "auto" and source not in pairs:
        raise PeerError(400, f"{source} is not supported")
    return source, target


def _check_length(texts: list[str]) -> None:
    """LibreTranslate's 400 for text over the character limit, before any work (detection included)."""
    limit = get_resources().settings.limits.max_chars
    size = sum(len(t) for t in texts)
    if size > limit:
        raise PeerError(400, f"Invalid request: request ({size}) exceeds text limit ({limit})")


def _detected(texts: list[str], fmt: str, target: str) -> list[dict[str, Any]]:
    """LibreTranslate's detectedLanguage per text: its language and a 0..100 confidence; 400 when a
    text is confidently in a language that does not translate into ``target``."""
    plain = [" ".join(parse_markup(t, mode="html").texts()) if fmt == "html" else t for t in texts]
    candidates = detection_candidates(get_resources(), target)
    out = []
    for best in get_detector().sources(plain, candidates):
        if best.language not in candidates:
            raise PeerError(400, f"{best.language} is not supported")
        out.append({"confidence": round(best.confidence * 100, 1), "language": best.language})
    return out


@blp.route("/translate", methods=["POST"])
@blp.doc(**body_doc(LibreTranslateSchema), **ERRORS)
@blp.response(200, LibreTranslateResultSchema)
def translate() -> ResponseReturnValue:
    """Translate ``q`` (a string or a list); ``source`` may be ``auto``."""
    body = load_body(LibreTranslateSchema())
    texts = body["q"] if isinstance(body["q"], list) else [body["q"]]
    source, target = _languages(body["source"], body["target"])
    _check_length(texts)
    detected = _detected(texts, body["format"], target) if source == "auto" else None
    sources = [d["language"] for d in detected] if detected else [source] * len(texts)
    for source in set(sources):
        if source != target:
            _pair(source, target)
    access.charge(sum(len(t) for t in texts))
    translated = list(texts)
    for source in sorted(set(sources) - {target}):
        indexes = [n for n, s in enumerate(sources) if s == source]
        job = TextJob(source_lang=source, target_lang=target,
                      tag_handling="html" if body["format"] == "html" else None, tenant=current_tenant())
        for n, out in zip(indexes, translate_texts([texts[n] for n in indexes], job, get_resources(),
                                                    observe=observe_timings), strict=True):
            translated[n] = out
    single = not isinstance(body["q"], list)
    answer: dict[str, Any] = {"translatedText": translated[0] if single else translated}
    if body["alternatives"]:
        answer["alternatives"] = [] if single else [[] for _ in texts]  # one candidate per text only
    if detected is not None:
        answer["detectedLanguage"] = detected[0] if single else detected
    return answer


@blp.route("/detect", methods=["POST"])
@blp.doc(**body_doc(LibreDetectSchema), **ERRORS)
@blp.response(200, LibreDetectionSchema(many=True))
def detect() -> ResponseReturnValue:
    """Candidate languages of ``q`` with 0..100 confidences; ``unsupported`` when it is none we serve."""
    body = load_body(LibreDetectSchema())
    _check_length([body["q"]])
    return [{"confidence": round(d.confidence * 100, 1), "language": d.language}
            for d in get_detector().detect(body["q"])]


@blp.route("/languages", methods=["GET", "POST"])
@blp.response(200, LibreLanguageSchema(many=True))
def languages() -> ResponseReturnValue:
    """Every served language with the languages it translates into."""
    resources = get_resources()
    pairs = served_pairs(resources)
    return [{"code": code, "name": LANGUAGES.get(code, code), "targets": pairs.get(code, [])}
            for code in served_languages(resources)]


@blp.route("/frontend/settings", methods=["GET"])
@blp.doc(responses={"200": {"description": "OK", "content": {"application/json": {"schema": FrontendSettingsSchema}}}})
def frontend_settings() -> ResponseReturnValue:
    """The settings LibreTranslate's web frontend and some clients read."""
    resources = get_resources()
    pairs = served_pairs(resources)
    source = next(iter(pairs), "en")
    target = (pairs.get(source) or [source])[0]
    return {"charLimit": resources.settings.limits.max_chars, "frontendTimeout": 500,
            "apiKeys": True, "keyRequired": resources.settings.http.api_keys_required,
            "suggestions": False, "filesTranslation": True, "supportedFilesFormat": list(FILE_FORMATS),
            "language": {"source": {"code": source, "name": LANGUAGES.get(source, source)},
                         "target": {"code": target, "name": LANGUAGES.get(target, target)}}}


@blp.route("/translate_file", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"encoding": UPLOAD_ENCODING, "schema": {
    "type": "object", "required": ["file", "source", "target"],
    "properties": {"file": UPLOAD_FILE, "source": {"type": "string"},
                   "target": {"type": "string"}, "api_key": {"type": "string"}}}}}},
         responses={**ERRORS["responses"], "200": {"description": "where to download the translated file", "content": {
             "application/json": {"schema": TranslatedFileSchema}}}})
def translate_file() -> ResponseReturnValue:
    """Translate a .txt, .html, .docx or .xlf file; answers the URL to download it from."""
    body = load_body(LibreFileSchema())
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        raise PeerError(400, "Invalid request: missing file parameter")
    try:
        fmt = format_of(sent.filename)
    except UnsupportedFileType as exc:
        raise PeerError(400, f"Invalid request: file format not supported (use {exc.supported})") from None
    source, target = _languages(body["source"], body["target"])
    # Translated inside the request: bounded as one article (limits.max_chars, the advertised charLimit).
    settings = get_resources().settings
    document = read_document(sent.read(), fmt, target,
                             DocumentLimits.of(settings.limits, max_chars=settings.limits.max_chars))
    if source == "auto":
        source = _detected([sample(" ".join(document.texts))], "text", target)[0]["language"]
    if source == target:
        raise PeerError(400, f"{target} is not available as a target language from {source}")
    _pair(source, target)
    billed = sum(len(t) for t in document.texts)
    access.charge(billed)
    outputs = translate_texts(document.texts, TextJob(source_lang=source, target_lang=target, tenant=current_tenant()),
                              get_resources(),
                              observe=observe_timings, chunked=True)
    handle = get_jobs().add_done(sent.filename, fmt, document.render(outputs), billed, owner=current_tenant().owner)
    url = url_for("libretranslate.download_file", token=handle.key, filename=sent.filename, _external=True)
    return {"translatedFileUrl": url}


@blp.route("/download_file/<token>/<path:filename>", methods=["GET"])
@blp.doc(responses={"200": {"description": "the translated file", "content": DOCUMENT_CONTENT}})
def download_file(token: str, filename: str) -> ResponseReturnValue:
    """A file /translate_file translated; the token in the URL is the secret."""
    record = get_jobs().by_key(token)
    if record.filename != filename:
        raise PeerError(404, "file not found")
    response = Response(record.result, mimetype=None, content_type=MIMETYPES[record.fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
