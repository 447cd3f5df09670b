"""DeepL-compatible documents: upload, poll the status, download the result (503 until ready)."""
from __future__ import annotations

from flask import Response, request
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from service.api import access
from service.api.compat.detection import UNSUPPORTED, get_detector
from service.api.compat.document_formats import DOCUMENT_CONTENT, MIMETYPES, DocumentLimits, format_of, read_document
from service.api.compat.documents import Charged, get_jobs
from service.api.compat.engine import TextJob
from service.api.compat.errors import PeerError, install_peer_errors
from service.api.compat.langcodes import check_pair
from service.api.compat.schemas import (
    DocumentHandleSchema,
    DocumentKeySchema,
    DocumentStatusSchema,
    DocumentUploadSchema,
    body_doc,
    load_body,
)
from service.api.context import get_resources
from service.api.tenancy import current_tenant, visible_glossary_id

blp = Blueprint("deepl_documents", __name__, url_prefix="/v2/document",
                description="DeepL-compatible document translation (.txt, .html, .docx, .xlf)")
install_peer_errors(blp, deepl=True)

UPLOAD_DOC = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file", "target_lang"],
    "properties": {"file": {"type": "string", "format": "binary"}, "target_lang": {"type": "string"},
                   "source_lang": {"type": "string"}, "glossary_id": {"type": "string"},
                   "formality": {"type": "string"}, "output_format": {"type": "string"}}}}}}}


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
    fmt = format_of(filename, data)
    filename = filename if "." in filename else f"document.{fmt}"
    if body.get("output_format") and format_of(f"x.{body['output_format']}") != fmt:
        raise PeerError(400, "Converting a document to another format is not supported by this service.")
    if body.get("formality") in ("less", "more"):
        raise PeerError(400, "'formality' is not supported for given 'target_lang'.")
    resources = get_resources()
    source, target = check_pair(body.get("source_lang"), body["target_lang"], resources)
    if body.get("glossary_id") and source is None:
        raise PeerError(400, "Use of a glossary requires the source_lang parameter to be set.")
    document = read_document(data, fmt, target, DocumentLimits.of(resources.settings.limits))
    if source is None:
        source = get_detector().best(" ".join(document.texts)[:2000]).language
        if source in (UNSUPPORTED, target):
            raise PeerError(400, "Could not detect a supported source language; set 'source_lang'.")
        source, target = check_pair(source, target, resources)
    glossary = body.get("glossary_id")
    if glossary:
        glossary = visible_glossary_id(glossary)  # unknown or another tenant's: fails the upload, not the job
    charged = access.charge(sum(len(t) for t in document.texts))
    job = TextJob(source_lang=source or "", target_lang=target, glossaries=(glossary,) if glossary else (),
                  tenant=current_tenant())  # the job runs later, outside the request: it carries the tenant
    handle = get_jobs().submit(data, document, filename, job,
                               Charged(charged.key_id, charged.day) if charged else None)
    access.keep_charge()  # queued: the job refunds it if the translation fails
    return {"document_id": handle.id, "document_key": handle.key}


@blp.route("/<document_id>", methods=["POST"])
@blp.doc(**body_doc(DocumentKeySchema))
@blp.response(200, DocumentStatusSchema)
def status(document_id: str) -> ResponseReturnValue:
    """queued, translating, done (with billed characters) or error (with a message)."""
    record = get_jobs().get(document_id, load_body(DocumentKeySchema())["document_key"], current_tenant())
    answer: dict[str, object] = {"document_id": record.id, "status": record.status}
    if record.status in ("queued", "translating"):
        answer["seconds_remaining"] = 1
    if record.status == "done":
        answer["billed_characters"] = record.billed_characters
    if record.status == "error":
        answer["error_message"] = record.error_message or "translation failed"
    return answer


@blp.route("/<document_id>/result", methods=["POST"])
@blp.doc(**body_doc(DocumentKeySchema), responses={"200": {"description": "the translated file",
                                                           "content": DOCUMENT_CONTENT},
                                                    "503": {"description": "not ready yet"}})
def result(document_id: str) -> ResponseReturnValue:
    """The translated file; 503 while it is still being translated."""
    record = get_jobs().get(document_id, load_body(DocumentKeySchema())["document_key"], current_tenant())
    if record.status == "error":
        raise PeerError(400, record.error_message or "translation failed")
    if record.status != "done" or record.result is None:
        raise PeerError(503, "Document not ready.")
    response = Response(record.result, mimetype=None, content_type=MIMETYPES[record.fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{_safe(record.filename)}"'
    return response


def _safe(filename: str) -> str:
    return "".join(c for c in filename if c.isalnum() or c in "._- ") or "document"

