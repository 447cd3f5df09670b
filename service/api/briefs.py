"""POST /v1/briefs: articles in, aligned bilingual briefs out (JSON, or XLIFF/TMX/TBX/text files)."""
from __future__ import annotations

import io
import zipfile

from flask import Response, jsonify, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import NotAcceptable

from service.api import access
from service.api.bodies import brief_body, brief_request, log_texts
from service.api.media import JSON, require_body_types
from service.api.metrics_view import observe_timings
from service.api.schemas import BriefSchema, BriefsRequestSchema
from service.brief import Brief
from service.pipeline import build_briefs
from service.render import ALL_FORMATS, MIMETYPES, brief_files
from service.resources import get_resources

blp = Blueprint("briefs", __name__, url_prefix="/v1", description="Bilingual briefs of English articles")
blp.before_request(require_body_types())

ZIP = "application/zip"
# Files in the format asked for (Accept or ?format=); a zip when the format makes several files.
FILE_RESPONSES = {mimetype: {"schema": {"type": "string", "format": "binary"}}
                  for mimetype in [*(m for f, m in MIMETYPES.items() if f != "json"), ZIP]}


class FormatQuerySchema(Schema):
    format = fields.Str(validate=validate.OneOf(ALL_FORMATS), metadata={
        "description": "answer format; overrides Accept. xliff = XLIFF 2.0, xliff12 = XLIFF 1.2 "
                       "(one file per target language: a zip when there are several), tmx, tbx, text, markdown"})


def requested_format(query_format: str | None) -> str:
    """``?format=`` if given, else the best match for Accept among the formats offered (406 if none)."""
    if query_format:
        return query_format
    if not request.accept_mimetypes:
        return "json"
    by_mimetype = {mimetype: fmt for fmt, mimetype in MIMETYPES.items()}
    best = request.accept_mimetypes.best_match([JSON, *[m for m in by_mimetype if m != JSON]])
    if best is None:
        raise NotAcceptable(f"briefs are available as {', '.join(by_mimetype)}, or name one with ?format=")
    return by_mimetype[best]


def file_response(briefs: list[Brief], fmt: str, stem: str = "brief") -> Response:
    """The briefs' files in ``fmt``: one file as itself, several as a zip archive."""
    named = [(f"{stem}{'' if len(briefs) == 1 else f'-{n}'}{suffix}", data)
             for n, brief in enumerate(briefs, 1) for suffix, data in brief_files(brief, fmt)]
    if len(named) == 1:
        name, data = named[0]
        response = Response(data, mimetype=MIMETYPES[fmt])
    else:
        name, buffer = f"{stem}-{fmt}.zip", io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for file_name, data in named:
                archive.writestr(file_name, data)
        response = Response(buffer.getvalue(), mimetype=ZIP)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blp.route("/briefs", methods=["POST"])
@blp.arguments(BriefsRequestSchema)
@blp.arguments(FormatQuerySchema, location="query", as_kwargs=True)
@blp.response(200, BriefSchema, description="one brief; a JSON array of briefs when `texts` was given")
@blp.doc(responses={"200": {"content": {JSON: {"schema": BriefSchema}, **FILE_RESPONSES}}})
def create_briefs(body, format: str | None = None):
    """Summarize each article and pair every summary sentence with its translations."""
    fmt = requested_format(format)
    resources = get_resources()
    articles = body["texts"] if "texts" in body else [body["text"]]
    access.charge(sum(len(a) for a in articles))
    log_texts(articles, resources.settings)
    briefs = build_briefs(articles, brief_request(body, resources.settings), resources)
    observe_timings(briefs[0].meta.timings_ms)
    if fmt != "json":
        return file_response(briefs, fmt)
    if "texts" in body:
        return jsonify(BriefSchema(many=True).dump([brief_body(b, body["include"]) for b in briefs]))
    return brief_body(briefs[0], body["include"])
