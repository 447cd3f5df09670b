"""POST /v1/briefs: articles in, aligned bilingual briefs out."""
from __future__ import annotations

from flask import jsonify
from flask_smorest import Blueprint

from service.api import access
from service.resources import get_resources
from service.api.media import require_body_types
from service.api.metrics_view import observe_timings
from service.api.bodies import brief_body, brief_request, log_texts
from service.api.schemas import BriefSchema, BriefsRequestSchema
from service.pipeline import build_briefs

blp = Blueprint("briefs", __name__, url_prefix="/v1", description="Bilingual briefs of English articles")
blp.before_request(require_body_types())


@blp.route("/briefs", methods=["POST"])
@blp.arguments(BriefsRequestSchema)
@blp.response(200, BriefSchema, description="one brief; a JSON array of briefs when `texts` was given")
def create_briefs(body):
    """Summarize each article and pair every summary sentence with its translations."""
    resources = get_resources()
    articles = body["texts"] if "texts" in body else [body["text"]]
    access.charge(sum(len(a) for a in articles))
    log_texts(articles, resources.settings)
    briefs = build_briefs(articles, brief_request(body, resources.settings), resources)
    observe_timings(briefs[0].meta.timings_ms)
    if "texts" in body:
        return jsonify(BriefSchema(many=True).dump([brief_body(b, body["include"]) for b in briefs]))
    return brief_body(briefs[0], body["include"])
