"""``python -m service worker``: run the store's document jobs in a process that serves no HTTP.

Document jobs (DeepL's ``/v2/document``) are rows in the store, run under leases by any process
(docs/RELIABILITY.md, "Document jobs"). HTTP workers run them too unless ``documents.workers = 0``;
a deployment that wants translation of documents apart from the requests (deploy/compose.yaml's
``worker``) sets that for the HTTP instances and runs this. SIGTERM or Ctrl-C gives the running jobs
back to the queue at once (another worker takes them over) and exits 0.
"""
from __future__ import annotations

import argparse
import dataclasses
import logging
import signal
import threading
from types import FrameType

from service.errors import BadInputError
from service.settings import Settings

log = logging.getLogger(__name__)
DEFAULT_THREADS = 2  # when the settings give the HTTP workers none (documents.workers = 0)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``worker`` command."""
    p = subparsers.add_parser("worker", help="run queued document jobs (no HTTP) until stopped")
    p.add_argument("--threads", type=int, default=None,
                   help=f"documents translated at once (default: documents.workers, else {DEFAULT_THREADS})")
    p.add_argument("--models-dir", help="model store to use (e.g. one written by models build-tiny)")
    p.set_defaults(handler=run_worker)


def run_worker(args: argparse.Namespace, settings: Settings) -> int:
    """Claim and translate document jobs until SIGTERM or SIGINT; then give the running ones back."""
    threads = args.threads if args.threads is not None else (settings.documents.workers or DEFAULT_THREADS)
    if threads < 1:
        raise BadInputError("--threads must be at least 1")
    from sqlalchemy import make_url

    from service.api.app import create_app
    from service.api.serving import preload_worker_models, start_background_work, stop_background_work

    settings = settings.replace(documents=dataclasses.replace(settings.documents, workers=threads))
    app = create_app(settings)  # the same jobs, store, keys (refunds) and model slots as an HTTP worker
    preload_worker_models(app)
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        log.info("document worker: %s, giving the running jobs back", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        start_background_work(app)
        store = make_url(settings.database_url).render_as_string(hide_password=True)
        print(f"document worker: {threads} thread(s) on {store}; stop with SIGTERM or Ctrl-C", flush=True)
        stop.wait()
    finally:
        stop_background_work(app)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("document worker: stopped", flush=True)
    return 0
