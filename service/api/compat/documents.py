"""Background document translation: a small bounded thread pool owned by the app.

An upload is parsed (and charged) at once; translation runs on the pool with the
same pipeline as text. Job state lives in the service's database
(:mod:`service.api.compat.document_store`), so any worker answers a poll; finished
jobs expire after ``RESULT_TTL_S``.
"""
from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from service.api.compat.document_formats import Document
from service.api.compat.document_store import DocumentRecord, DocumentStore
from service.api.compat.engine import TextJob, translate_texts
from service.api.compat.errors import PeerError
from service.errors import BriefsError
from service.runtime.resources import Resources

log = logging.getLogger(__name__)

WORKERS = 2
MAX_PENDING = 8
RESULT_TTL_S = 3600.0
STALE_S = 3600.0


@dataclass(frozen=True)
class DocumentHandle:
    """What the uploader gets back: the job's id and its secret key."""

    id: str
    key: str


class DocumentJobs:
    """Jobs translated on at most ``workers`` threads, at most ``max_pending`` waiting (all workers)."""

    def __init__(self, resources: Resources, *, workers: int = WORKERS, max_pending: int = MAX_PENDING,
                 observe: Callable[[dict[str, float]], None] | None = None) -> None:
        self.resources = resources
        self.max_pending = max_pending
        self.observe = observe
        self._store = DocumentStore(resources.settings.database_url, ttl_s=RESULT_TTL_S, stale_s=STALE_S)
        self._file_ready = False
        self._pool: ThreadPoolExecutor | None = None
        self._workers = workers
        self._lock = threading.Lock()

    @property
    def store(self) -> DocumentStore:
        """The job table; the glossary store opens the shared file first (it sets WAL mode once,
        which SQLite refuses while another connection holds a write lock)."""
        if not self._file_ready:
            self.resources.glossaries.schema_version()
            self._file_ready = True
        return self._store

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:  # created on first use: a gunicorn worker forks before any thread starts
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="documents")
            return self._pool

    def submit(self, document: Document, filename: str, job: TextJob) -> DocumentHandle:
        """Queue a parsed document; 429 in the peer's words when too many are in progress."""
        handle = DocumentHandle(secrets.token_hex(16).upper(), secrets.token_hex(32))
        record = DocumentRecord(handle.id, filename, document.fmt, sum(len(t) for t in document.texts))
        if not self.store.add(record, handle.key, max_pending=self.max_pending):
            raise PeerError(429, "Too many documents are being translated; retry later.")
        self._executor().submit(self._run, handle.id, document, job)
        return handle

    def add_done(self, filename: str, fmt: str, data: bytes, billed: int) -> DocumentHandle:
        """Keep an already translated file for download (LibreTranslate's synchronous /translate_file)."""
        handle = DocumentHandle(secrets.token_hex(16).upper(), secrets.token_hex(32))
        self.store.add(DocumentRecord(handle.id, filename, fmt, billed, status="done", result=data), handle.key)
        return handle

    def get(self, job_id: str, key: str) -> DocumentRecord:
        """The job with this id and key; 404 otherwise (a wrong key says nothing about the id)."""
        record = self.store.get(job_id, key)
        if record is None:
            raise PeerError(404, "Document not found.")
        return record

    def by_key(self, key: str) -> DocumentRecord:
        """A finished job by its secret key alone; 404 otherwise."""
        record = self.store.by_key(key)
        if record is None or record.result is None:
            raise PeerError(404, "file not found")
        return record

    def _run(self, job_id: str, document: Document, job: TextJob) -> None:
        try:
            self.store.update(job_id, "translating")
            outputs = translate_texts(document.texts, job, self.resources, observe=self.observe, chunked=True)
            self.store.update(job_id, "done", result=document.render(outputs))
        except (BriefsError, PeerError) as exc:
            message = exc.detail if isinstance(exc, BriefsError) else exc.message
            self.store.update(job_id, "error", error=message)
        except Exception:  # a worker must record the failure, not die with it
            log.exception("document %s failed", job_id)
            self.store.update(job_id, "error", error="the document could not be translated; the failure was logged")

    def shutdown(self) -> None:
        """Stop taking work; running translations finish."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)


def get_jobs() -> DocumentJobs:
    """The app's document jobs."""
    from flask import current_app

    return current_app.extensions["briefs.documents"]
