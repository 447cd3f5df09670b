"""POST /v1/translate: given sentences in, aligned translations and the entity report out."""
from __future__ import annotations

from dataclasses import replace

from flask_smorest import Blueprint

from service.api import access
from service.api.bodies import brief_body, brief_request, log_texts
from service.api.limits import request_characters
from service.api.media import require_body_types
from service.api.metrics_view import observe_timings
from service.api.schemas import BriefSchema, TranslateRequestSchema
from service.api.tenancy import current_tenant, tenant_glossaries
from service.pipeline import translate_segments
from service.resources import get_resources

blp = Blueprint("translate", __name__, url_prefix="/v1", description="Sentence translation with glossaries")
blp.before_request(require_body_types())


@blp.route("/translate", methods=["POST"])
@blp.arguments(TranslateRequestSchema)
@blp.response(200, BriefSchema)
def translate(body):
    """Translate the segments as given (no summary), through the glossary layer."""
    resources = get_resources()
    request = tenant_glossaries().scoped_request(brief_request(body, resources.settings))  # 404 before any work
    request = replace(request, tenant=current_tenant())  # memories: its own and the shared ones
    access.charge(request_characters(body))  # texts and the inline glossary
    log_texts(body["segments"], resources.settings)
    brief = translate_segments(body["segments"], request, resources)
    observe_timings(brief.meta.timings_ms)
    return brief_body(brief, body["include"])
