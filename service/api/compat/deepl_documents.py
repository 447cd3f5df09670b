"""DeepL-compatible documents: upload, poll the status, download the result (503 until ready)."""
from __future__ import annotations

import logging

from flask import Response, current_app, request
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from service.api import access
from service.api.compat.detection import get_detector, sample
from service.api.compat.document_formats import (
    ALIASES,
    DOCUMENT_CONTENT,
    MIMETYPES,
    UPLOAD_ENCODING,
    UPLOAD_FILE,
    DocumentLimits,
    UnsupportedFileType,
    format_of,
    read_document,
)
from service.api.compat.document_store import DocumentRecord
from service.api.compat.documents import Charged, get_jobs
from service.api.compat.engine import TextJob
from service.api.compat.errors import PeerError, install_peer_errors
from service.api.compat.langcodes import check_pair
from service.api.compat.schemas import (
    FORMALITIES,
    DocumentHandleSchema,
    DocumentKeySchema,
    DocumentStatusSchema,
    DocumentUploadSchema,
    body_doc,
    load_body,
)
from service.api.compat.served import detection_candidates
from service.api.context import get_resources
from service.api.tenancy import current_tenant, visible_glossary_id
from service.errors import StoreUnavailableError

log = logging.getLogger(__name__)
blp = Blueprint("deepl_documents", __name__, url_prefix="/v2/document",
                description="DeepL-compatible document translation (.txt, .html, .docx, .xlf)")
install_peer_errors(blp, deepl=True)

DOWNLOADED = "downloaded"  # a job whose result was delivered (and dropped)
CONVERSION_REFUSED = ("Converting a document to another format is not supported by this service: "
                      "leave 'output_format' out, or name the upload's own format.")
UPLOAD_FIELDS = {"file": UPLOAD_FILE, "target_lang": {"type": "string"}, "source_lang": {"type": "string"},
                 "glossary_id": {"type": "string"}, "formality": {"type": "string", "enum": list(FORMALITIES)},
                 "output_format": {"type": "string", "description": "only the upload's own format (no conversion)"},
                 "filename": {"type": "string"}}
UPLOAD_DOC = {"requestBody": {"required": True, "content": {"multipart/form-data": {
    "encoding": UPLOAD_ENCODING,
    "schema": {"type": "object", "required": ["file", "target_lang"], "properties": UPLOAD_FIELDS}}}}}


@blp.route("", methods=["POST"])
@blp.doc(**UPLOAD_DOC)
@blp.response(200, DocumentHandleSchema)
def upload() -> ResponseReturnValue:
    """Queue a document for translation; answers the id and key to poll it with."""
    body = load_body(DocumentUploadSchema())
    sent = request.files.get("file")
    if sent is None:
        raise PeerError(400, "Parameter 'file' not specified.")
    data = sent.read()
    filename = body.get("filename") or sent.filename or ""
    try:
        fmt = format_of(filename, data)
    except UnsupportedFileType as exc:
        problem = (f"the file extension '.{exc.suffix}' is not supported" if exc.suffix
                   else "no file extension, and the contents are none of the supported types")
        raise PeerError(400, f"Invalid file data: {problem}; use {exc.supported}.") from None
    filename = filename if "." in filename else f"document.{fmt}"
    wanted = str(body.get("output_format") or "").lower().lstrip(".")
    if wanted and ALIASES.get(wanted, wanted) != fmt:
        raise PeerError(400, CONVERSION_REFUSED)
    if body.get("formality") in ("less", "more"):
        raise PeerError(400, "'formality' is not supported for given 'target_lang'.")
    resources = get_resources()
    source, target = check_pair(body.get("source_lang"), body["target_lang"], resources)
    if body.get("glossary_id") and source is None:
        raise PeerError(400, "Use of a glossary requires the source_lang parameter to be set.")
    document = read_document(data, fmt, target, DocumentLimits.of(resources.settings.limits))
    if source is None:
        candidates = detection_candidates(resources, target)
        source = get_detector().sources([sample(" ".join(document.texts))], candidates)[0].language
        if source == target:
            raise PeerError(400, "Source and target language are equal.")
        if source not in candidates:
            raise PeerError(400, f"Detected source language {source.upper()} is not supported for "
                                 f"target_lang {target.upper()}; set 'source_lang'.")
    glossary = body.get("glossary_id")
    if glossary:
        glossary = visible_glossary_id(glossary)  # unknown or another tenant's: fails the upload, not the job
    charged = access.charge(sum(len(t) for t in document.texts))  # admitted first; refunded on any refusal
    job = TextJob(source_lang=source or "", target_lang=target, glossaries=(glossary,) if glossary else (),
                  tenant=current_tenant())  # the job runs later, outside the request: it carries the tenant
    handle = get_jobs().submit(data, document, filename, job, Charged(charged.key_id, charged.day) if charged else None)
    access.keep_charge()  # queued: the job refunds it if the translation fails
    key = access.current_key()
    if key is not None:  # /v2/usage reports it as document_count
        try:
            current_app.extensions["briefs.document_usage"].add(key.id)
        except StoreUnavailableError:  # the job is queued and charged: a count must not turn it into a 503
            log.warning("document %s: its upload was not counted in document_count (store unavailable)", handle.id)
    return {"document_id": handle.id, "document_key": handle.key}


@blp.route("/<document_id>", methods=["POST"])
@blp.doc(**body_doc(DocumentKeySchema))
@blp.response(200, DocumentStatusSchema)
def status(document_id: str) -> ResponseReturnValue:
    """queued, translating, done (with billed characters) or error (with a message)."""
    record = _record(document_id)
    answer: dict[str, object] = {"document_id": record.id, "status": record.status}
    if record.status in ("queued", "translating"):
        answer["seconds_remaining"] = 1
    if record.status == "done":
        answer["billed_characters"] = record.billed_characters
    if record.status == "error":
        answer["error_message"] = record.error_message or "translation failed"
    return answer


@blp.route("/<document_id>/result", methods=["POST"])
@blp.doc(**body_doc(DocumentKeySchema), responses={"200": {"description": "the translated file (once: as DeepL, "
                                                                          "the result is then removed)",
                                                           "content": DOCUMENT_CONTENT},
                                                    "503": {"description": "not ready yet"}})
def result(document_id: str) -> ResponseReturnValue:
    """The translated file, once; 503 while it is still being translated, then 404 as DeepL answers."""
    record = _record(document_id)
    if record.status == "error":
        raise PeerError(400, record.error_message or "translation failed")
    if record.status != "done" or record.result is None:
        raise PeerError(503, "Document not ready.")
    response = Response(record.result, mimetype=None, content_type=MIMETYPES[record.fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{_safe(record.filename)}"'
    # DeepL removes a translated document from its servers once it is downloaded: so does this door
    # (the row stays, without the file, until it expires, so later calls are told it is gone).
    get_jobs().store.update(record.id, DOWNLOADED)
    return response


def _record(document_id: str) -> DocumentRecord:
    """The job of this id and key (from the body); 404 when there is none, or it was downloaded."""
    record = get_jobs().get(document_id, load_body(DocumentKeySchema())["document_key"], current_tenant())
    if record.status == DOWNLOADED:
        raise PeerError(404, "Document not found: a translated document can be downloaded once.")
    return record


def _safe(filename: str) -> str:
    return "".join(c for c in filename if c.isalnum() or c in "._- ") or "document"
