"""The queue for several hosts: procrastinate, on the PostgreSQL database the store already uses.

Why procrastinate (and not RQ or Dramatiq on Redis): hosts that share jobs already share one
PostgreSQL store, where each job's state, progress and results live; procrastinate keeps its queue
in that same database, so a queued task is as durable as the job row it points to (Redis here is a
rate-limit cache, typically run without persistence), no further server is needed, LISTEN/NOTIFY
hands a task to an idle worker at once, and its workers' heartbeats let another worker retry the
tasks of a worker that died (``get_stalled_jobs`` + ``retry_job``). Tasks carry only a job id:
the job table decides who runs a job (its lease), so a task delivered twice never runs a job twice.

Tasks: ``briefs.run_job(job_id)`` and ``briefs.deliver_callback(job_id)`` (a failed attempt defers
the next one ``schedule_in`` its backoff). ``python -m service worker`` runs procrastinate's worker.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from contextlib import suppress
from typing import Any

from service.errors import DependencyMissingError
from service.jobs.worker import JobWorker
from service.settings import Settings

log = logging.getLogger(__name__)

INSTALL_HINT = "jobs on PostgreSQL need procrastinate: pip install 'procrastinate>=3.10,<4'"
RUN_JOB, DELIVER = "briefs.run_job", "briefs.deliver_callback"
QUEUE = "briefs"


def conninfo(store_url: str) -> str:
    """A libpq URL for the store (SQLAlchemy's ``postgresql+psycopg://`` is ``postgresql://`` to libpq)."""
    scheme, sep, rest = store_url.partition("://")
    return f"postgresql://{rest}" if sep and scheme.startswith("postgres") else store_url


class ProcrastinateQueue:
    """Defers tasks into procrastinate's tables; its workers run them through a :class:`JobWorker`."""

    name = "procrastinate"

    def __init__(self, settings: Settings) -> None:
        try:
            import procrastinate
        except ImportError:
            raise DependencyMissingError(INSTALL_HINT) from None
        self.settings = settings
        self.app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(settings.store_url)),
                                     import_paths=[])
        self.run_job_task = self.app.task(name=RUN_JOB, queue=QUEUE)(self._run_job)
        self.deliver_task = self.app.task(name=DELIVER, queue=QUEUE)(self._deliver)
        self.worker: JobWorker | None = None  # the worker of this process, set by work()
        self._schema_lock = threading.Lock()
        self._schema_ready = False
        self._opened = False

    # -- producing --------------------------------------------------------------------------------

    def _ready(self) -> None:
        """Open the app for synchronous defers and apply procrastinate's schema once, if missing."""
        with self._schema_lock:
            if not self._opened:
                self.app.open()
                self._opened = True
            if not self._schema_ready:
                _apply_schema(self.app)
                self._schema_ready = True

    def submitted(self, job_id: str) -> None:
        from procrastinate.exceptions import AlreadyEnqueued

        self._ready()
        with suppress(AlreadyEnqueued):  # a task for this job is already waiting
            self.run_job_task.configure(queueing_lock=f"job:{job_id}").defer(job_id=job_id)

    def callback_due(self, job_id: str, delay_s: float) -> None:
        from procrastinate.exceptions import AlreadyEnqueued

        self._ready()
        options: dict[str, Any] = {"queueing_lock": f"callback:{job_id}"}
        if delay_s > 0:
            options["schedule_in"] = {"seconds": delay_s}
        with suppress(AlreadyEnqueued):  # an attempt is already scheduled
            self.deliver_task.configure(**options).defer(job_id=job_id)

    def close(self) -> None:
        if self._opened:
            self.app.close()
            self._opened = False

    # -- consuming --------------------------------------------------------------------------------

    def _run_job(self, job_id: str) -> None:
        worker = self._worker()
        if not worker.run_job(job_id) and not worker.is_finished(job_id):
            log.info("job %s is held by a live worker; its task ends here", job_id)

    def _deliver(self, job_id: str) -> None:
        delay = self._worker().deliver(job_id)
        if delay is not None:
            self.callback_due(job_id, delay)

    def _worker(self) -> JobWorker:
        if self.worker is None:
            raise RuntimeError("this process runs no job worker")
        return self.worker

    def work(self, worker: JobWorker, stop: threading.Event) -> None:
        """procrastinate's worker (one task at a time) plus a recovery loop, until ``stop`` is set."""
        self.worker = worker
        self._ready()
        asyncio.run(self._work(worker, stop))

    async def _work(self, worker: JobWorker, stop: threading.Event) -> None:
        from procrastinate import worker as procrastinate_worker

        jobs = self.settings.jobs
        heartbeat = max(1.0, jobs.heartbeat_s)
        runner = procrastinate_worker.Worker(
            self.app, queues=[QUEUE], name=worker.owner, concurrency=1, install_signal_handlers=False,
            update_heartbeat_interval=heartbeat, stalled_worker_timeout=max(3 * heartbeat, jobs.lease_s),
            fetch_job_polling_interval=jobs.poll_s, delete_jobs="successful")
        async with self.app.open_async():
            task = asyncio.create_task(runner.run())
            try:
                while not stop.is_set() and not task.done():
                    await self._recover(worker)
                    await asyncio.sleep(min(jobs.lease_s / 2, 5.0))
            finally:
                runner.stop()
                await asyncio.gather(task, return_exceptions=True)

    async def _recover(self, worker: JobWorker) -> None:
        """Retry the tasks of dead procrastinate workers; re-defer jobs that have no task (lease run out)."""
        jobs = self.settings.jobs
        manager = self.app.job_manager
        try:
            for stalled in await manager.get_stalled_jobs(queue=QUEUE,
                                                          seconds_since_heartbeat=max(3 * jobs.heartbeat_s,
                                                                                      jobs.lease_s)):
                log.info("retrying task %s of a worker that stopped answering", stalled.id)
                await manager.retry_job(stalled)
            for job_id in await asyncio.to_thread(worker.store.claimable):
                await asyncio.to_thread(self.submitted, job_id)
            await asyncio.to_thread(worker.sweep)
            for job_id in await asyncio.to_thread(worker.store.due_callbacks):
                await asyncio.to_thread(self.callback_due, job_id, 0.0)
        except Exception:  # recovery runs again shortly
            log.warning("job recovery step failed", exc_info=True)


def _apply_schema(app: Any) -> None:
    """procrastinate's tables, created on first use when the database has none (as the stores migrate)."""
    import psycopg

    connector = app.connector.get_sync_connector()
    exists = connector.execute_query_one(query="SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS present")
    if not exists["present"]:
        with suppress(psycopg.errors.DuplicateObject):  # another host applied it at the same moment
            app.schema_manager.apply_schema()
