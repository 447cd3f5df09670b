"""Job workers: what any queue calls to run a job or deliver its callback, and the embedded queue.

:class:`JobWorker` holds the steps every queue shares: claim a job and run it on the batch runner,
make one callback attempt, remove expired jobs. The queue decides only *when* they run:

* :class:`EmbeddedQueue` (the default on the SQLite store; no extra server): the store's job table
  is the queue. Worker threads (``jobs.worker_threads`` in each ``serve``/gunicorn process, or
  ``python -m service worker``) take the oldest claimable job; a submit in the same process wakes
  them at once, others look every ``jobs.poll_s``.
* ``service.jobs.procrastinate_queue.ProcrastinateQueue`` (several hosts on PostgreSQL).
"""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Protocol

from service.errors import BriefsError, StoreUnavailableError
from service.jobs.execute import JobRunner
from service.jobs.model import FINISHED, status_body
from service.jobs.store import JobStore
from service.jobs.webhooks import Call, deliver, retry_delay
from service.runtime.resources import Resources
from service.settings import Settings

log = logging.getLogger(__name__)

SWEEP_EVERY_S = 60.0


class JobQueue(Protocol):
    """Hands jobs and callbacks to workers; ``work`` is a worker's loop (until ``stop`` is set)."""

    name: str

    def submitted(self, job_id: str) -> None:
        """A job was stored as queued: have a worker take it."""
        ...

    def callback_due(self, job_id: str, delay_s: float) -> None:
        """The job's callback should be attempted in ``delay_s`` seconds."""
        ...

    def work(self, worker: JobWorker, stop: threading.Event) -> None:
        """Run jobs and callbacks with ``worker`` until ``stop`` is set."""
        ...


def worker_name(label: str = "worker") -> str:
    """A lease owner unique to this process and thread: host, pid, a label and a random tail."""
    return f"{socket.gethostname()}:{os.getpid()}:{label}:{uuid.uuid4().hex[:8]}"


class JobWorker:
    """Runs jobs and callback attempts for one queue, with one process's Resources."""

    def __init__(self, store: JobStore, settings: Settings, resources: Resources, queue: JobQueue,
                 label: str = "worker") -> None:
        self.store, self.settings, self.queue = store, settings, queue
        self.owner = worker_name(label)
        self.stopping = threading.Event()  # set on shutdown: a running job goes back to the queue
        self.runner = JobRunner(store, settings, resources, self.owner, self.stopping)
        self._last_sweep = 0.0

    def run_job(self, job_id: str) -> bool:
        """Claim the job and run it to its end; False when it was not claimable (finished, or held)."""
        job = self.store.claim(job_id, self.owner, self.settings.jobs.lease_s)
        if job is None:
            return False
        log.info("job %s: run %d by %s", job_id, job.runs, self.owner)
        state = self.runner.run(job)
        log.info("job %s: %s", job_id, state or "taken over or put back")
        if state is None and self.stopping.is_set():
            self.queue.submitted(job_id)  # another worker (or this one after a restart) takes it up
        if state is not None and job.callback_url:
            self.queue.callback_due(job_id, 0.0)
        return True

    def run_next(self) -> bool:
        """Run the oldest claimable job, if any; whether one ran."""
        return any(self.run_job(job_id) for job_id in self.store.claimable())

    def deliver(self, job_id: str) -> float | None:
        """One attempt at the job's callback, recorded; seconds until the next attempt (None: no more)."""
        jobs = self.settings.jobs
        claimed = self.store.claim_callback(job_id, hold_s=jobs.callback_timeout_s + 30)
        if claimed is None:
            return None
        url, secret, attempt = claimed
        job = self.store.get(job_id)
        event = f"job.{job.state}"
        body = json.dumps({"event": event, "job": status_body(job)}, ensure_ascii=False).encode()
        outcome = deliver(Call(url, secret, event, body, attempt), timeout_s=jobs.callback_timeout_s,
                          allowed_hosts=jobs.callback_hosts)
        retry = outcome.error is not None and attempt < jobs.callback_attempts
        delay = retry_delay(attempt, jobs.callback_backoff_s) if retry else None
        self.store.record_delivery(job_id, outcome, retry_at=time.time() + delay if delay is not None else None)
        log.info("job %s: callback attempt %d: %s", job_id, attempt, outcome.error or f"HTTP {outcome.status}")
        return delay

    def deliver_due(self) -> bool:
        """Every callback attempt that is due; whether any was made."""
        made = False
        for job_id in self.store.due_callbacks():
            made = True
            self.deliver(job_id)
        return made

    def sweep(self, *, force: bool = False) -> None:
        """Remove expired jobs (at most once a minute unless forced)."""
        now = time.monotonic()
        if force or now - self._last_sweep >= SWEEP_EVERY_S:
            self._last_sweep = now
            removed = self.store.expire()
            if removed:
                log.info("removed %d expired job(s)", removed)

    def is_finished(self, job_id: str) -> bool:
        return self.store.get(job_id).state in FINISHED


class EmbeddedQueue:
    """The store's job table as the queue: workers poll it; a submit in this process wakes them."""

    name = "embedded"

    def __init__(self, settings: Settings) -> None:
        self.poll_s = settings.jobs.poll_s
        self._wake = threading.Event()

    def submitted(self, job_id: str) -> None:
        self._wake.set()

    def callback_due(self, job_id: str, delay_s: float) -> None:
        if delay_s <= 0:
            self._wake.set()

    def work(self, worker: JobWorker, stop: threading.Event) -> None:
        while not stop.is_set():
            busy = False
            try:
                worker.sweep()
                busy = worker.run_next()
                busy = worker.deliver_due() or busy
            except StoreUnavailableError as exc:  # the store logs each outage once, as it starts and ends
                log.debug("job worker: %s", exc.detail)
            except BriefsError as exc:
                log.warning("job worker: %s", exc.detail)
            except Exception:  # a worker thread must outlive any one failure
                log.exception("job worker step failed")
            if not busy:
                self._wake.wait(self.poll_s)
                self._wake.clear()


class WorkerThreads:
    """``jobs.worker_threads`` workers in this process (serve, gunicorn), stopped together."""

    def __init__(self, make_worker: Callable[[str], JobWorker], queue: JobQueue, count: int) -> None:
        self.make_worker, self.queue, self.count = make_worker, queue, count
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []
        self.workers: list[JobWorker] = []

    def start(self) -> None:
        for n in range(self.count):
            worker = self.make_worker(f"thread-{n + 1}")
            self.workers.append(worker)
            thread = threading.Thread(target=self.queue.work, args=(worker, self.stop_event),
                                      name=f"job-worker-{n + 1}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self, timeout_s: float = 10.0) -> None:
        """Ask the workers to stop after their current step (a running job resumes elsewhere after its lease)."""
        self.stop_event.set()
        for worker in self.workers:
            worker.stopping.set()
        if isinstance(self.queue, EmbeddedQueue):
            self.queue.submitted("")  # wake them
        for thread in self.threads:
            thread.join(timeout=timeout_s)
