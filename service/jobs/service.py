"""What the doors use: the job store, the queue, and submitting a checked input as a queued job."""
from __future__ import annotations

from pathlib import Path

from service.jobs.inputs import check_input, limits_for
from service.jobs.model import JobOptions, JobRecord
from service.jobs.store import JobStore, NewJob
from service.jobs.webhooks import check_callback_url
from service.jobs.worker import EmbeddedQueue, JobQueue, JobWorker, WorkerThreads
from service.runtime.resources import Resources
from service.settings import Settings
from service.storage.tenancy import Tenant, require_create

QUEUES = ("auto", "embedded", "procrastinate")


def uses_postgresql(settings: Settings) -> bool:
    return settings.database_url.startswith(("postgresql", "postgres"))


def make_queue(settings: Settings) -> JobQueue:
    """``jobs.queue``: procrastinate (PostgreSQL stores) or the embedded queue; "auto" picks by the store."""
    kind = settings.jobs.queue
    if kind not in QUEUES:
        raise ValueError(f"unknown jobs.queue {kind!r}; expected one of {', '.join(QUEUES)}")
    if kind == "procrastinate" or (kind == "auto" and uses_postgresql(settings)):
        if not uses_postgresql(settings):
            raise ValueError("jobs.queue = procrastinate needs a PostgreSQL store (store_url)")
        from service.jobs.procrastinate_queue import ProcrastinateQueue

        return ProcrastinateQueue(settings)
    return EmbeddedQueue(settings)


class Jobs:
    """The store and queue of one process (the app keeps one; so does ``python -m service worker``)."""

    def __init__(self, settings: Settings, *, queue: JobQueue | None = None) -> None:
        self.settings = settings
        self.store = JobStore(settings.database_url, keep_s=settings.jobs.keep_results_s,
                              pool_size=settings.store_pool_size)
        self.queue = queue or make_queue(settings)
        self.threads: WorkerThreads | None = None

    def submit(self, input_path: Path, input_name: str, options: JobOptions, *, tenant: Tenant,
               key_id: str | None, callback_url: str | None = None, callback_secret: str | None = None
               ) -> JobRecord:
        """Check the input and limits (nothing is stored when refused), store the job, hand it to the queue."""
        require_create(tenant, noun="job")
        if callback_url is not None:
            check_callback_url(callback_url, self.settings.jobs.callback_hosts)
        limits = limits_for(self.settings.jobs, tenant.owner)
        total = check_input(input_path, self.settings, limits, text_field=options.text_field,
                            id_field=options.id_field)
        with input_path.open("rb") as data:
            job = self.store.create(NewJob(tenant.owner, key_id, options, input_name, input_path.stat().st_size,
                                           total, callback_url, callback_secret), data, tenant=tenant,
                                    max_concurrent=limits.max_concurrent)
        self.queue.submitted(job.id)
        return job

    def worker(self, resources: Resources, label: str = "worker") -> JobWorker:
        """A worker of this process's queue, running jobs with ``resources``."""
        return JobWorker(self.store, self.settings, resources, self.queue, label)

    def start_threads(self, resources: Resources) -> None:
        """``jobs.worker_threads`` workers inside this server process (none when 0)."""
        if self.threads is None and self.settings.jobs.worker_threads > 0:
            self.threads = WorkerThreads(lambda label: self.worker(resources, label), self.queue,
                                         self.settings.jobs.worker_threads)
            self.threads.start()

    def stop_threads(self) -> None:
        if self.threads is not None:
            self.threads.stop()
            self.threads = None
