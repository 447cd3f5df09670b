"""``python -m service serve``: the HTTP API on werkzeug's threaded server, for development.

Production runs ``gunicorn wsgi:app -c config/gunicorn.conf.py``.
"""
from __future__ import annotations

import argparse

from service.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``serve`` command."""
    p = subparsers.add_parser("serve", help="run the HTTP API for development (werkzeug, threaded)")
    p.add_argument("--host", default=None, help="address to bind (default: http.host, 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default: http.port)")
    p.add_argument("--models-dir", help="model store to use (e.g. one written by models build-tiny)")
    p.add_argument("--no-preload", action="store_true", help="load models on first request instead")
    p.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Build the app, preload models, serve until interrupted."""
    from service.api.app import create_app
    from service.api.serving import preload_worker_models, start_job_workers, stop_job_workers

    app = create_app(settings)
    if not args.no_preload:
        preload_worker_models(app)
    start_job_workers(app)
    host = args.host or settings.http.host
    port = settings.http.port if args.port is None else args.port
    try:
        app.run(host=host, port=port, threaded=True, debug=False, use_reloader=False)
    finally:
        stop_job_workers(app)
    return 0
