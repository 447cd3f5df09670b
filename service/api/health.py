"""GET /healthz (the process is alive) and GET /readyz (models loaded, store reachable)."""
from __future__ import annotations

import logging

from flask_smorest import Blueprint

from service.api.errors import problem
from service.api.schemas import HealthSchema
from service.resources import get_resources

log = logging.getLogger(__name__)
blp = Blueprint("health", __name__, description="Liveness and readiness")


@blp.route("/healthz")
@blp.response(200, HealthSchema)
def healthz():
    """Alive: answers as long as the process serves requests."""
    return {"status": "ok"}


@blp.route("/readyz")
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="not ready (problem+json naming the reason)")
def readyz():
    """Ready: the models of every configured pair are loaded and the glossary store answers."""
    resources = get_resources()
    settings = resources.settings
    pairs = [f"{settings.source_lang}-{t}" for t in settings.target_langs]
    rows = {r["key"]: r for r in resources.models.status() if r["task"] == "translation"}
    states = [{"pair": p, "installed": bool(rows.get(p, {}).get("installed")),
               "loaded": bool(rows.get(p, {}).get("loaded"))} for p in pairs]
    reasons = [f"model for {s['pair']} is " + ("not loaded yet" if s["installed"] else "not installed")
               for s in states if not s["loaded"]]
    try:
        resources.glossaries.list_glossaries()
    except Exception as exc:  # noqa: BLE001 - readiness reports, it does not crash
        log.warning("glossary store not reachable: %s", type(exc).__name__, exc_info=True)
        reasons.append("the glossary store is not reachable")
    if reasons:
        return problem(503, "not-ready", "Not ready", "; ".join(reasons), models=states)
    return {"status": "ready", "models": states}
