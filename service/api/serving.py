"""Process-level serving helpers shared by gunicorn's hooks and ``python -m service serve``."""
from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)


def preload_worker_models(app: Flask) -> None:
    """Load the configured pairs and summarizer once, if ``http.preload_models``; failures are logged.

    A missing model must not kill the worker: /readyz then says which, and requests
    that need it get a 503 naming it.
    """
    resources = app.extensions["briefs"]
    if not resources.settings.http.preload_models:
        return
    try:
        resources.models.preload()
        resources.translator()
    except Exception as exc:  # noqa: BLE001 - reported by /readyz and by the requests that need it
        log.error("model preload failed: %s", getattr(exc, "detail", type(exc).__name__))
