"""GET /metrics (Prometheus text) and the per-request counters behind it."""
from __future__ import annotations

import time
from collections.abc import Iterable

from flask import Flask, Response, current_app, g, request
from flask_smorest import Blueprint

from service.api.metrics import CONTENT_TYPE
from service.brief import Brief

blp = Blueprint("metrics", __name__, description="Prometheus metrics")


@blp.route("/metrics")
@blp.doc(responses={"200": {"description": "Prometheus text exposition",
                            "content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics() -> Response:
    """Requests, latencies, pipeline stage times, micro-batch sizes, model load times, errors, quality scores
    and flags."""
    return Response(current_app.extensions["briefs.metrics"].render(), mimetype=None, content_type=CONTENT_TYPE)


def _start() -> None:
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.get("started")
    if started is not None:
        route = request.url_rule.rule if request.url_rule else "unmatched"
        current_app.extensions["briefs.metrics"].observe_request(
            route, request.method, response.status_code, time.perf_counter() - started)
    return response


def init_request_metrics(app: Flask) -> None:
    """Time every request and count it by route template (never by raw path) and status."""
    app.before_request(_start)
    app.after_request(_finish)


def observe_timings(timings_ms: dict[str, float]) -> None:
    """Record one brief's pipeline stage timings."""
    current_app.extensions["briefs.metrics"].observe_timings(timings_ms)


def observe_quality(briefs: Iterable[Brief]) -> None:
    """Record the quality scores, flags and segments needing review of the briefs a request built."""
    current_app.extensions["briefs.metrics"].observe_quality(briefs)
