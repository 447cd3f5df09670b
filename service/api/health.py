"""GET /healthz (the process is alive) and GET /readyz (models loaded, store reachable)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import current_app
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from service.api.access import rate_limit_storage_problem
from service.api.context import get_resources
from service.api.errors import problem
from service.api.schemas import HealthSchema
from service.errors import ModelCorruptError, StoreUnavailableError

log = logging.getLogger(__name__)
blp = Blueprint("health", __name__, description="Liveness and readiness")


@blp.route("/healthz")
@blp.response(200, HealthSchema)
def healthz() -> ResponseReturnValue:
    """Alive: answers as long as the process serves requests."""
    return {"status": "ok"}


@blp.route("/readyz")
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="not ready (problem+json naming the reason)")
def readyz() -> ResponseReturnValue:
    """Ready: the models of every configured pair are loaded and the glossary store answers."""
    resources = get_resources()
    settings = resources.settings
    pairs = [f"{settings.source_lang}-{t}" for t in settings.target_langs]
    rows = {r["key"]: r for r in resources.models.status() if r["task"] == "translation"}
    states = [_model_state(p, rows.get(p, {}), resources.models) for p in pairs]
    reasons = [_model_reason(s) for s in states if not s["loaded"]]
    entities = _entities_state(settings.entities.detector, resources.models.status())
    if entities.get("reason"):
        reasons.append(entities.pop("reason"))
    try:
        resources.glossaries.list_glossaries()
    except StoreUnavailableError as exc:  # the store logs its outage once
        reasons.append(f"the glossary store is not available: {exc.detail}")
    except Exception as exc:  # readiness reports, it does not crash
        log.warning("glossary store not reachable: %s", type(exc).__name__, exc_info=True)
        reasons.append("the glossary store is not reachable")
    limiter_problem = rate_limit_storage_problem(current_app)  # Redis, when limits are shared through it
    if limiter_problem:
        reasons.append(limiter_problem)
    if reasons:
        return problem(503, "not-ready", "Not ready", "; ".join(reasons), models=states, entities=entities)
    return {"status": "ready", "models": states, "entities": entities}


def _entities_state(mode: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Which detector finds names no glossary knows, and the NER pipeline's state; ``reason`` when not ready."""
    row = next((r for r in rows if r.get("task") == "ner"), None)
    if mode in ("off", "heuristic") or row is None:
        return {"detector": "heuristic" if mode != "off" else "off", "ner": None}
    state = row.get("state") or ("installed" if row.get("installed") else "missing")
    ner = {"model": row.get("model"), "state": state, "loaded": bool(row.get("loaded"))}
    out: dict[str, Any] = {"detector": "ner" if state == "installed" else "heuristic", "ner": ner}
    if state == "corrupt":
        out["reason"] = "the NER pipeline is corrupt: reinstall it (`python -m service models pull ner --force`)"
    elif state == "missing" and mode == "ner":
        out["reason"] = ("entities.detector is ner but no NER pipeline is installed: `python -m service models "
                         "pull ner`, or `models import DIR --for ner`")
    elif state == "installed" and not ner["loaded"]:
        out["reason"] = "the NER pipeline is installed but not loaded yet"
    return out


def _model_state(pair: str, row: dict[str, Any], models: Any) -> dict[str, Any]:
    """installed/missing/corrupt and loaded, with the offending file of a corrupt model."""
    state = row.get("state") or ("installed" if row.get("installed") else "missing")
    out = {"pair": pair, "installed": state == "installed", "state": state, "loaded": bool(row.get("loaded"))}
    if state == "corrupt":
        out["file"] = row.get("file") or _corrupt_file(pair, models)
    return out


def _corrupt_file(pair: str, models: Any) -> str:
    """The file the model store names as bad (a name inside the model folder, never a server path)."""
    try:
        models.store.check(models.spec_for("translation", pair))
    except ModelCorruptError as exc:
        return Path(str(exc.extra.get("file") or "?")).name
    except Exception:  # readiness reports, it does not crash
        log.debug("could not name the corrupt file of %s", pair, exc_info=True)
    return "?"


def _model_reason(state: dict[str, Any]) -> str:
    pair = state["pair"]
    if state["state"] == "corrupt":
        return (f"model for {pair} is corrupt ({state['file']}): "
                f"reinstall it with `python -m service models pull {pair} --force`")
    if state["state"] == "missing":
        return f"model for {pair} is missing: install it with `python -m service models pull {pair}`"
    return f"model for {pair} is installed but not loaded yet"
