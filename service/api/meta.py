"""GET /v1/languages, /v1/models and /v1/usage."""
from __future__ import annotations

from flask import current_app
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from service.api import access
from service.api.context import get_resources
from service.api.schemas import LanguageSchema, ModelsSchema, UsageSchema
from service.api.tenancy import current_tenant
from service.errors import AuthError
from service.languages import LANGUAGES

blp = Blueprint("meta", __name__, url_prefix="/v1", description="Languages, models and usage")

PUBLIC_MODEL_FIELDS = ("task", "key", "model", "engine", "license", "non_commercial", "installed",
                       "state", "loaded", "size_mb", "tiny")


@blp.route("/languages")
@blp.response(200, LanguageSchema(many=True))
def languages() -> ResponseReturnValue:
    """Languages of the configured translation pairs, each with what it translates into."""
    models = get_resources().models
    targets: dict[str, list[str]] = {}
    for row in models.status():
        if row["task"] == "translation":
            source, _, target = row["key"].partition("-")
            targets.setdefault(source, []).append(target)
            targets.setdefault(target, [])
    return [{"code": code, "name": LANGUAGES.get(code, code), "targets": sorted(t)}
            for code, t in sorted(targets.items())]


@blp.route("/models")
@blp.response(200, ModelsSchema)
def models() -> ResponseReturnValue:
    """Configured models: installed, loaded, engine, licence and load time."""
    manager = get_resources().models
    load_ms = getattr(manager, "load_times_ms", {}) or {}
    rows = [{**{k: r.get(k) for k in PUBLIC_MODEL_FIELDS if k in r},
             "load_ms": load_ms.get(f"{r['task']}.{r['key']}")} for r in manager.status()]
    return {"models": rows}


@blp.route("/usage")
@blp.response(200, UsageSchema)
def usage() -> ResponseReturnValue:
    """The calling key's requests and characters today (UTC), and its role."""
    key = access.current_key()
    if key is None:
        raise AuthError("send your API key to see its usage")
    resources = get_resources()
    counts = current_app.extensions["briefs.keys"].usage(key.id)
    # This request is counted after it is answered; include it so the figure is not one behind.
    return {"key_id": key.id, "name": key.name, "day": counts.day, "requests": counts.requests + 1,
            "characters": counts.characters, "char_quota": access.quota_for(key, resources.settings),
            "rate_limit": key.rate_limit or resources.settings.http.rate_limit,
            "role": current_tenant().role, "team": key.team}
