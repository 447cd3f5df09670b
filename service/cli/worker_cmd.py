"""``python -m service worker``: run background work on this host until interrupted.

Two kinds, on the same models: jobs of ``/v1/jobs`` (on the SQLite store from the store's job table,
the embedded queue; on PostgreSQL from procrastinate's queue in the same database, so workers on any
host share the jobs), and the DeepL ``/v2/document`` jobs queued in the store, claimed under leases
as HTTP workers do (docs/RELIABILITY.md, "Document jobs"). HTTP workers run both too unless
``jobs.worker_threads = 0`` and ``documents.workers = 0``: a deployment that keeps background work
apart from the requests sets those and runs this. SIGTERM or Ctrl-C stops the jobs after their current
step and gives running documents back to the queue at once.
"""
from __future__ import annotations

import argparse
import logging
import signal
import threading
from types import FrameType
from typing import TYPE_CHECKING

from service.settings import Settings

if TYPE_CHECKING:
    from service.api.compat.documents import DocumentJobs
    from service.runtime.resources import Resources

log = logging.getLogger(__name__)
DEFAULT_DOCUMENT_THREADS = 2  # when the settings give the HTTP workers none (documents.workers = 0)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``worker`` command."""
    p = subparsers.add_parser("worker", help="run background jobs (/v1/jobs) and document jobs (/v2/document) "
                                             "until interrupted")
    p.add_argument("--models-dir", help="model store to use (e.g. one written by models build-tiny)")
    p.add_argument("--threads", type=int, default=1, help="jobs run at once in this process (default 1)")
    p.add_argument("--document-threads", type=int, default=None,
                   help="documents translated at once (default: documents.workers, else "
                        f"{DEFAULT_DOCUMENT_THREADS}; 0: none)")
    p.set_defaults(handler=run_worker)


def run_worker(args: argparse.Namespace, settings: Settings) -> int:
    """Load the models once, then run jobs with ``--threads`` workers and documents with
    ``--document-threads`` until SIGINT or SIGTERM."""
    from service.jobs.service import Jobs
    from service.jobs.worker import WorkerThreads
    from service.runtime.resources import Resources

    if args.threads < 1:
        raise ValueError("--threads must be at least 1")
    documents = args.document_threads
    if documents is None:
        documents = settings.documents.workers or DEFAULT_DOCUMENT_THREADS
    if documents < 0:
        raise ValueError("--document-threads must be 0 or more")
    resources = Resources(settings)
    jobs = Jobs(settings)
    jobs.store.schema_version()  # migrate (or fail on an unreachable store) before taking work
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: stopping after the current step", signum)
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, on_signal)
    threads = WorkerThreads(lambda label: jobs.worker(resources, label), jobs.queue, args.threads)
    threads.stop_event = stop
    document_jobs = _document_jobs(resources, documents) if documents else None
    print(f"worker: {jobs.queue.name} queue on {settings.database_url.split('://')[0]}, {args.threads} thread(s), "
          f"{documents} document thread(s); Ctrl-C stops", flush=True)
    threads.start()
    if document_jobs is not None:
        document_jobs.start()
    try:
        while not stop.wait(1.0):
            if not any(t.is_alive() for t in threads.threads):
                break
    finally:
        if document_jobs is not None:
            document_jobs.shutdown()  # running documents go back to the queue at once
        threads.stop()
    print("worker: stopped", flush=True)
    return 0


def _document_jobs(resources: Resources, threads: int) -> DocumentJobs:
    """The store's document jobs on ``threads`` threads of this process; a failed job refunds its charge."""
    from service.api.compat.documents import DocumentJobs
    from service.storage.keys import KeyStore

    keys = KeyStore(resources.settings.database_url, pool_size=resources.settings.store_pool_size)

    def refund(key_id: str, day: str, characters: int) -> None:
        keys.refund(key_id, day, characters=characters)

    document_jobs = DocumentJobs(resources, refund=refund)
    document_jobs.threads = threads
    return document_jobs
