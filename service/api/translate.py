"""POST /v1/translate: given sentences in, aligned translations and the entity report out."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from service.api.bodies import brief_body, run_scoped
from service.api.media import require_body_types
from service.api.schemas import BriefSchema, TranslateRequestSchema
from service.brief import Brief
from service.pipeline import BriefRequest, translate_segments
from service.runtime.resources import Resources

blp = Blueprint("translate", __name__, url_prefix="/v1", description="Sentence translation with glossaries")
blp.before_request(require_body_types())


@blp.route("/translate", methods=["POST"])
@blp.arguments(TranslateRequestSchema)
@blp.response(200, BriefSchema)
def translate(body: dict[str, Any]) -> ResponseReturnValue:
    """Translate the segments as given (no summary), through the glossary layer."""
    (brief,), _ = run_scoped(body, body["segments"], _translate)
    return brief_body(brief, body["include"])


def _translate(segments: Sequence[str], request: BriefRequest, resources: Resources) -> list[Brief]:
    return [translate_segments(segments, request, resources)]
