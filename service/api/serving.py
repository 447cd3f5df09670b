"""Process-level serving helpers shared by gunicorn's hooks and ``python -m service serve``."""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from flask import Flask

from service.settings import HttpOptions

log = logging.getLogger(__name__)


def preload_worker_models(app: Flask) -> None:
    """Verify (against their manifests) and load the configured pairs and summarizer once, if
    ``http.preload_models``; failures are logged.

    A missing or corrupt model must not kill the worker: /readyz then names it (and a corrupt one's
    file), and requests that need it get a 503 naming it.
    """
    resources = app.extensions["briefs"]
    if not resources.settings.http.preload_models:
        return
    try:
        resources.models.preload(verify=True)  # changed weights that would still load are named, not served
        resources.translator()
    except Exception as exc:  # noqa: BLE001 - reported by /readyz and by the requests that need it
        log.error("model preload failed: %s", getattr(exc, "detail", type(exc).__name__))


def start_background_work(app: Flask) -> None:
    """Start this worker's document job threads: jobs queued meanwhile, or left by a worker that died, are
    picked up without waiting for a client to poll."""
    jobs = app.extensions.get("briefs.documents")
    if jobs is not None:
        jobs.start()


def stop_background_work(app: Flask) -> None:
    """Give this worker's running document jobs back (a restart or a stop), so another worker runs them now."""
    jobs = app.extensions.get("briefs.documents")
    if jobs is not None:
        jobs.shutdown()


def control_socket_for(http: HttpOptions, folder: str | None = None) -> tuple[str, bool]:
    """gunicorn's ``control_socket`` and ``control_socket_disable`` for this instance.

    ``http.control_socket``: "none" disables it; a path is used as given; "" names one after this
    instance's host and port in the temp dir (or ``folder``), so instances on one host never share
    one (gunicorn's own default is one path per user: a second instance takes it over, and stopping
    either removes it).
    """
    chosen = http.control_socket.strip()
    if chosen.lower() == "none":
        return "", True
    if chosen:
        return chosen, False
    host = "".join(c if c.isalnum() else "-" for c in http.host)
    return str(Path(folder or tempfile.gettempdir()) / f"briefs-gunicorn-{host}-{http.port}.ctl"), False


def start_job_workers(app: Flask) -> None:
    """``jobs.worker_threads`` job workers in this process, on its models (none when 0)."""
    app.extensions["briefs.jobs"].start_threads(app.extensions["briefs"])


def stop_job_workers(app: Flask) -> None:
    """Stop this process's job workers after their current step (a running job resumes after its lease)."""
    jobs = getattr(app, "extensions", {}).get("briefs.jobs")  # a worker that failed to load has no app
    if jobs is not None:
        jobs.stop_threads()
