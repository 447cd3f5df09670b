"""Background document translation: a small bounded thread pool owned by the app.

An upload is parsed (and charged) at once; translation runs on the pool with the
same pipeline as text. Jobs live in memory: a restart forgets them, finished jobs
expire after ``RESULT_TTL_S`` and the oldest finished ones go first past ``MAX_JOBS``.
"""
from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from service.api.compat.document_formats import Document
from service.api.compat.engine import TextJob, translate_texts
from service.api.compat.errors import PeerError
from service.errors import BriefsError
from service.resources import Resources

log = logging.getLogger(__name__)

WORKERS = 2
MAX_PENDING = 8
MAX_JOBS = 64
RESULT_TTL_S = 3600.0


@dataclass
class DocumentJob:
    """One document's translation: ``queued`` -> ``translating`` -> ``done`` | ``error``."""

    id: str
    key: str
    filename: str
    fmt: str
    billed_characters: int
    status: str = "queued"
    result: bytes | None = None
    error_message: str | None = None
    created: float = field(default_factory=time.monotonic)
    finished: float | None = None


class DocumentJobs:
    """Jobs by id, translated on at most ``workers`` threads, at most ``max_pending`` waiting."""

    def __init__(self, resources: Resources, *, workers: int = WORKERS, max_pending: int = MAX_PENDING,
                 max_jobs: int = MAX_JOBS, observe: Callable[[dict[str, float]], None] | None = None) -> None:
        self.resources = resources
        self.observe = observe
        self.max_pending = max_pending
        self.max_jobs = max_jobs
        self._pool: ThreadPoolExecutor | None = None
        self._workers = workers
        self._jobs: dict[str, DocumentJob] = {}
        self._lock = threading.Lock()

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="documents")
        return self._pool

    def submit(self, document: Document, filename: str, job: TextJob) -> DocumentJob:
        """Queue a parsed document; 429 in the peer's words when too many are in progress."""
        with self._lock:
            self._expire()
            pending = sum(1 for j in self._jobs.values() if j.status in ("queued", "translating"))
            if pending >= self.max_pending:
                raise PeerError(429, "Too many documents are being translated; retry later.")
            record = DocumentJob(id=secrets.token_hex(16).upper(), key=secrets.token_hex(32),
                                 filename=filename, fmt=document.fmt,
                                 billed_characters=sum(len(t) for t in document.texts))
            self._jobs[record.id] = record
            self._executor().submit(self._run, record, document, job)
        return record

    def add_done(self, filename: str, fmt: str, data: bytes, billed: int) -> DocumentJob:
        """Keep an already translated file for download (LibreTranslate's synchronous /translate_file)."""
        with self._lock:
            self._expire()
            record = DocumentJob(id=secrets.token_hex(16).upper(), key=secrets.token_hex(32), filename=filename,
                                 fmt=fmt, billed_characters=billed, status="done", result=data,
                                 finished=time.monotonic())
            self._jobs[record.id] = record
        return record

    def get(self, job_id: str, key: str | None) -> DocumentJob:
        """The job with this id and key; 404 otherwise (a wrong key says nothing about the id)."""
        with self._lock:
            record = self._jobs.get(job_id)
        if record is None or (key is not None and not secrets.compare_digest(record.key, key)):
            raise PeerError(404, "Document not found.")
        return record

    def by_key(self, key: str) -> DocumentJob:
        """A finished job by its secret key alone (download links carry only the key); 404 otherwise."""
        with self._lock:
            found = [j for j in self._jobs.values() if secrets.compare_digest(j.key, key)]
        if not found or found[0].result is None:
            raise PeerError(404, "file not found")
        return found[0]

    def _run(self, record: DocumentJob, document: Document, job: TextJob) -> None:
        record.status = "translating"
        try:
            outputs = translate_texts(document.texts, job, self.resources, observe=self.observe, chunked=True)
            record.result = document.render(outputs)
            record.status = "done"
        except (BriefsError, PeerError) as exc:
            record.error_message = getattr(exc, "detail", None) or getattr(exc, "message", "translation failed")
            record.status = "error"
        except Exception:  # noqa: BLE001 - a worker must record the failure, not die with it
            log.exception("document %s failed", record.id)
            record.error_message = "the document could not be translated; the failure was logged"
            record.status = "error"
        finally:
            record.finished = time.monotonic()

    def _expire(self) -> None:
        now = time.monotonic()
        for job_id in [i for i, j in self._jobs.items() if j.finished and now - j.finished > RESULT_TTL_S]:
            del self._jobs[job_id]
        finished = sorted((j for j in self._jobs.values() if j.finished), key=lambda j: j.finished or 0.0)
        while len(self._jobs) >= self.max_jobs and finished:
            del self._jobs[finished.pop(0).id]

    def shutdown(self) -> None:
        """Stop taking work; running translations finish."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def get_jobs() -> DocumentJobs:
    """The app's document jobs."""
    from flask import current_app

    return current_app.extensions["briefs.documents"]
