"""From validated request bodies to pipeline requests, and from briefs to response bodies;
``run_scoped`` is the one run of a /v1 door (briefs, translate)."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask import current_app

from service.api import access
from service.api.context import get_resources
from service.api.limits import request_characters
from service.api.metrics_view import observe_quality, observe_timings
from service.api.tenancy import tenant_glossaries
from service.brief import Brief
from service.pipeline import BriefRequest, resolve_request
from service.runtime.resources import Resources
from service.settings import Settings
from service.storage.tenancy import require_create

# A pipeline entry point as the /v1 doors run it: texts, the scoped request, the resources -> briefs.
Stage = Callable[[Sequence[str], BriefRequest, Resources], list[Brief]]

log = logging.getLogger(__name__)


def brief_request(body: dict[str, Any], settings: Settings) -> BriefRequest:
    """A BriefRequest from a validated briefs/translate body, with the service defaults filled in."""
    return BriefRequest(
        target_langs=tuple(body.get("target_langs") or settings.target_langs),
        sentences=body.get("sentences"),
        ratio=body.get("ratio"),
        source_lang=body.get("source_lang") or settings.source_lang,
        glossaries=tuple(body.get("glossaries") or ()),
        inline_glossary=tuple(body.get("inline_glossary") or ()),
        summarizer=body.get("summarizer"),
    )


def brief_body(brief: Brief, include: Iterable[str]) -> dict[str, Any]:
    """The brief's JSON form (title and segments always) with only the requested optional parts."""
    data = brief.to_dict()
    wanted = {"title", "segments", *include}
    return {k: v for k, v in data.items() if k in wanted}


def log_texts(texts: Iterable[str], settings: Settings) -> None:
    """Article text is logged only when ``http.log_text`` is on."""
    if settings.http.log_text:
        for text in texts:
            log.info("request text: %s", text)
    else:
        current_app.logger.debug("request with %d text(s) (text logging off)", len(list(texts)))


def scoped_request(body: dict[str, Any], texts: Sequence[str], *, stores: bool = False) -> BriefRequest:
    """The body's request scoped to the key's tenant and checked (unknown glossaries 404, an unserved pair
    422, and with ``stores`` a tenant that may not store briefs 403, before any work), then admission and
    the charge for the texts and inline glossary, and the text log: what every /v1 run does before the
    pipeline."""
    resources = get_resources()
    request = tenant_glossaries().scoped_request(brief_request(body, resources.settings))
    request = resolve_request(request, resources)  # an unknown language or unserved pair: 422 before any charge
    if stores:
        require_create(request.tenant, noun="stored brief")
    access.charge(request_characters(body))  # admitted first; refunded if the request ends refused or failed
    log_texts(texts, resources.settings)
    return request


def run_scoped(body: dict[str, Any], texts: Sequence[str], stage: Stage, *,
               stores: bool = False) -> tuple[list[Brief], BriefRequest]:
    """One /v1 run: :func:`scoped_request`, the pipeline and the stage timings in /metrics."""
    resources = get_resources()
    request = scoped_request(body, texts, stores=stores)
    briefs = stage(texts, request, resources)
    observe_timings(briefs[0].meta.timings_ms)
    observe_quality(briefs)  # quality scores, flags and segments needing review
    return briefs, request
