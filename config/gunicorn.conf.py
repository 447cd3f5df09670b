"""gunicorn settings, read from the service settings: ``gunicorn wsgi:app -c config/gunicorn.conf.py``.

Everything comes from ``load_settings()`` (config/default.toml, BRIEFS_CONFIG,
BRIEFS_* variables); this file reads no environment itself. Models are loaded
once per worker after it forks (torch and thread pools are not fork-safe), not
in the master.
"""
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


def post_worker_init(worker):
    """Load the configured models once in this worker, before it takes requests."""
    from service.api.serving import preload_worker_models

    preload_worker_models(worker.wsgi)
