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


def start_job_workers(app: Flask) -> None:
    """``jobs.worker_threads`` job workers in this process, on its models (none when 0)."""
    app.extensions["briefs.jobs"].start_threads(app.extensions["briefs"])


def stop_job_workers(app: Flask) -> None:
    """Stop this process's job workers after their current step (a running job resumes after its lease)."""
    jobs = getattr(app, "extensions", {}).get("briefs.jobs")  # a worker that failed to load has no app
    if jobs is not None:
        jobs.stop_threads()
