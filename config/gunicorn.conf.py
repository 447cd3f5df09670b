"""gunicorn settings, read from the service settings: ``gunicorn wsgi:app -c config/gunicorn.conf.py``.

Everything comes from ``load_settings()`` (config/default.toml, BRIEFS_CONFIG,
BRIEFS_* variables); this file reads no environment itself. Models are loaded
once per worker after it forks (torch and thread pools are not fork-safe), not
in the master. Metrics: the master puts prometheus_client in multiprocess mode for
its workers (PROMETHEUS_MULTIPROC_DIR from ``http.metrics_dir``, emptied at start),
so ``/metrics`` on any worker reports the whole host.
"""
import os
import shutil

from service.api.serving import control_socket_for
from service.settings import load_settings

_settings = load_settings()

bind = [f"{_settings.http.host}:{_settings.http.port}"]
workers = _settings.http.workers
worker_class = "gthread"
threads = _settings.http.threads
timeout = _settings.http.timeout_s
graceful_timeout = _settings.http.graceful_timeout_s
preload_app = False
limit_request_line = 8190
accesslog = "-"
# Each instance its own control socket (gunicornc), or none: two instances on one host must not share one,
# or stopping either removes the other's.
control_socket, control_socket_disable = control_socket_for(_settings.http)
# Keys in query strings and the Authorization header never reach the access log.
logger_class = "service.api.url_keys.RedactingLogger"

_metrics = {}


def on_starting(server):
    """In the master, before any worker: an empty multiprocess metrics directory, inherited by workers."""
    from service.api.metrics_dir import prepare_multiprocess_dir

    directory, made_here = prepare_multiprocess_dir(_settings.http.metrics_dir)
    _metrics.update(directory=directory, made_here=made_here)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


def post_worker_init(worker):
    """Load the configured models once in this worker, before it takes requests; start its document jobs and
    its job workers."""
    from service.api.serving import preload_worker_models, start_background_work, start_job_workers

    preload_worker_models(worker.wsgi)
    start_background_work(worker.wsgi)
    start_job_workers(worker.wsgi)


def worker_exit(server, worker):
    """A worker stopping (restart, shutdown): its running document jobs go back to the queue for another
    worker, its job workers stop after their current step."""
    from service.api.serving import stop_background_work, stop_job_workers

    app = getattr(worker, "wsgi", None)  # a worker that failed to load has no app
    if app is not None:
        stop_background_work(app)
        stop_job_workers(app)


def child_exit(server, worker):
    """In the master, after a worker exits: prometheus_client's bookkeeping for its files."""
    from service.api.metrics_dir import worker_exited

    if "directory" in _metrics:
        worker_exited(worker.pid, _metrics["directory"])


def on_exit(server):
    """A temporary metrics directory made at start goes with the master."""
    if _metrics.get("made_here"):
        shutil.rmtree(_metrics["directory"], ignore_errors=True)
