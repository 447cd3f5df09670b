"""``python -m service worker``: run background jobs (``/v1/jobs``) on this host until interrupted.

On the SQLite store it takes jobs from the store's job table (the embedded queue); on PostgreSQL,
from procrastinate's queue in the same database, so workers on any host share the jobs.
"""
from __future__ import annotations

import argparse
import logging
import signal
import threading
from types import FrameType

from service.settings import Settings

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``worker`` command."""
    p = subparsers.add_parser("worker", help="run background jobs submitted to /v1/jobs (until interrupted)")
    p.add_argument("--models-dir", help="model store to use (e.g. one written by models build-tiny)")
    p.add_argument("--threads", type=int, default=1, help="jobs run at once in this process (default 1)")
    p.set_defaults(handler=run_worker)


def run_worker(args: argparse.Namespace, settings: Settings) -> int:
    """Load the models once, then run jobs with ``--threads`` workers until SIGINT or SIGTERM."""
    from service.jobs.service import Jobs
    from service.jobs.worker import WorkerThreads
    from service.runtime.resources import Resources

    if args.threads < 1:
        raise ValueError("--threads must be at least 1")
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
    print(f"worker: {jobs.queue.name} queue on {settings.database_url.split('://')[0]}, {args.threads} thread(s); "
          "Ctrl-C stops", flush=True)
    threads.start()
    while not stop.wait(1.0):
        if not any(t.is_alive() for t in threads.threads):
            break
    threads.stop()
    return 0
