"""The Flask app factory (flaskr style): one Resources per app, one blueprint per resource."""
from __future__ import annotations

from flask import Flask, Response
from flask.json.provider import DefaultJSONProvider
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from models.engines.base import Translator
from service.api.errors import http_error, register_error_handlers
from service.api.metrics import ServiceMetrics
from service.api.schemas import ProblemSchema
from service.runtime.resources import CacheObservers, Resources, TranslatorWrapper
from service.settings import Settings, load_settings

API_TITLE = "Bilingual news briefs"
API_VERSION = "v1"


class ProblemApi(Api):
    """flask-smorest Api whose HTTP errors (webargs 422s included) come out as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        return http_error(error)


def _json_provider(app: Flask) -> DefaultJSONProvider:
    provider = DefaultJSONProvider(app)
    provider.ensure_ascii = False
    provider.sort_keys = False
    return provider


def micro_batch_wrapper(settings: Settings, metrics: ServiceMetrics | None = None) -> TranslatorWrapper:
    """Wrap the engine translator in the cross-request micro-batcher configured in ``settings.http``."""
    from models.threads import plan_threads
    from service.runtime.batching import MicroBatchTranslator

    # As many engine calls at once as the engine decodes in parallel; later callers gather meanwhile.
    running = plan_threads(settings.translation, workers=settings.http.workers).inter_threads

    def wrap(inner: Translator) -> Translator:
        return MicroBatchTranslator(inner, max_batch_size=settings.http.batch_max_size,
                                    max_wait_ms=settings.http.batch_max_wait_ms, max_running=running,
                                    on_batch=metrics.observe_batch if metrics else None)

    return wrap


def create_app(settings: Settings | None = None, *, resources: Resources | None = None) -> Flask:
    """Build the app; nothing heavy loads here (models load on first use or in the worker hook)."""
    from service.api import (
        access,
        briefs,
        budget,
        docs,
        glossaries,
        health,
        jobs,
        memories,
        meta,
        metrics_view,
        page,
        translate,
    )
    from service.api.compat import register_compat
    from service.api.security_headers import init_security_headers
    from service.api.spec_truth import tell_the_truth
    from service.api.strict_json import init_strict_json
    from service.api.url_keys import init_url_keys

    settings = settings or (resources.settings if resources else load_settings())
    app = Flask("service.api")
    app.config.update(
        MAX_CONTENT_LENGTH=settings.http.max_body_bytes, JSON_SORT_KEYS=False,
        API_TITLE=API_TITLE, API_VERSION=API_VERSION, OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/", OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs", OPENAPI_SWAGGER_UI_URL=docs.ASSETS_URL,
    )
    # Japanese and Korean stay readable in responses; keys keep the schema's order.
    app.json = _json_provider(app)
    service_metrics = ServiceMetrics()
    resources = resources or Resources(settings, translator_wrapper=micro_batch_wrapper(settings, service_metrics))
    # The caches below the API know nothing of Flask: the app hands them its /metrics counters.
    resources.cache_observers = CacheObservers(translation=service_metrics.observe_cache,
                                               summary=service_metrics.observe_summary_cache)
    app.extensions["briefs"] = resources
    app.extensions["briefs.metrics"] = service_metrics
    service_metrics.watch_model_loads(lambda: dict(resources.models.load_times_ms))
    register_error_handlers(app)
    metrics_view.init_request_metrics(app)
    budget.init_admission(app, settings)  # under overload: refused before the body is read or anything charged
    jobs.init_jobs(app)  # a submit's larger body limit, before anything reads a body
    init_strict_json(app)  # before the key check, which reads JSON bodies
    init_url_keys(app)  # a key in the URL is refused, not checked
    init_security_headers(app)
    access.init_access(app, settings)
    budget.init_budget(app, settings)
    api = ProblemApi(app)
    for module in (briefs, translate, glossaries, memories, jobs, meta, health, metrics_view):
        api.register_blueprint(module.blp)
    register_compat(api, app, resources)
    tell_the_truth(api, settings)  # problem+json errors and cross-field constraints in the document
    docs.init_docs(app)
    app.register_blueprint(page.bp)
    return app

