"""Background document translation: durable jobs in the store, run under leases by any worker process.

An upload is parsed (bounded, see :mod:`document_formats`) and charged at once, then stored as a job:
the upload itself, what to do with it and whose it is (:mod:`document_store`). Every worker process
runs ``documents.workers`` threads that claim queued jobs (or jobs whose lease ran out: their
worker died) and one thread that renews the leases of the jobs this process runs; with
``documents.workers = 0`` HTTP workers run none and ``python -m service worker`` runs them all. A graceful stop
gives its jobs back at once; a killed worker's jobs are picked up ``documents.lease_s`` later.

A job translates chunk by chunk (``limits.max_chars`` each) through the same pipeline as text, each
chunk under a model slot of its worker (it waits its turn with the requests; shed, it waits and
tries again) and the job's deadline (``documents.deadline_s``). A job that fails gives its charge back.
Finished jobs expire after ``documents.result_ttl_s``.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from service.api.compat.document_formats import Document, DocumentLimits, read_document
from service.api.compat.document_store import DocumentRecord, DocumentStore, DocumentWork
from service.api.compat.engine import TextJob, translate_texts
from service.api.compat.errors import PeerError
from service.brief import Brief
from service.errors import BriefsError, DeadlineExceededError, OverloadedError, StoreUnavailableError
from service.runtime.request_budget import Deadline, ModelSlots, RequestBudget, close_budget, open_budget
from service.runtime.resources import Resources
from service.storage.tenancy import Tenant

log = logging.getLogger(__name__)

# Takes back a charge: (key id, day, characters).
Refund = Callable[[str, str, int], None]


@dataclass(frozen=True)
class DocumentHandle:
    """What the uploader gets back: the job's id and its secret key."""

    id: str
    key: str


@dataclass(frozen=True)
class Charged:
    """Whom a job's characters were charged to, so that a failed job gives them back."""

    key_id: str
    day: str


class _LeaseLost(Exception):
    """Another worker took this job over (this one stalled past its lease): stop, keep nothing."""


class _Stopping(Exception):
    """This process is stopping: the job was given back and another worker runs it."""


class DocumentJobs:
    """The document jobs of one process: submit, poll, and the threads that run any worker's jobs."""

    def __init__(self, resources: Resources, *, slots: ModelSlots | None = None, refund: Refund | None = None,
                 observe: Callable[[dict[str, float]], None] | None = None) -> None:
        self.resources = resources
        self.options = resources.settings.documents
        self.threads = self.options.workers  # job threads :meth:`start` runs (0: none; the job worker's own)
        self.max_pending = self.options.max_pending
        self.slots, self.refund, self.observe = slots, refund, observe
        self._store = DocumentStore(resources.settings.database_url, ttl_s=self.options.result_ttl_s,
                                    lease_s=self.options.lease_s, max_attempts=self.options.max_attempts)
        self._file_ready = False
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: set[str] = set()
        self._lost: set[str] = set()
        self._worker = ""
        self._claiming = 0  # claims in flight: each may take a job (shutdown gives those back too)

    @property
    def store(self) -> DocumentStore:
        """The job table; the glossary store opens the shared file first (it sets WAL mode once,
        which SQLite refuses while another connection holds a write lock)."""
        if not self._file_ready:
            self.resources.glossaries.schema_version()
            self._file_ready = True
        return self._store

    @property
    def worker_id(self) -> str:
        """Whose leases these are: host, process and a random part (a pid can come back)."""
        with self._lock:
            if not self._worker:  # made in the process that runs the jobs (after a fork), once
                self._worker = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
            return self._worker

    # -- the doors ----------------------------------------------------------------------------------

    def submit(self, data: bytes, document: Document, filename: str, job: TextJob,
               charged: Charged | None = None) -> DocumentHandle:
        """Store a parsed upload as a job; 429 in the peer's words when too many are in progress,
        of all tenants (``documents.max_pending``) or of this one (``documents.max_pending_per_tenant``)."""
        handle = DocumentHandle(secrets.token_hex(16).upper(), secrets.token_hex(32))
        record = DocumentRecord(handle.id, filename, document.fmt, sum(len(t) for t in document.texts),
                                owner=job.tenant.owner)
        description = {k: v for k, v in asdict(job).items() if k != "tenant"}
        work = DocumentWork(handle.id, document.fmt, data, json.dumps(description), json.dumps(asdict(job.tenant)),
                            charged.key_id if charged else None, charged.day if charged else None,
                            record.billed_characters, 0)
        refusal = self.store.add(record, handle.key, work=work, max_pending=self.max_pending,
                                 max_pending_per_owner=self.options.max_pending_per_tenant)
        if refusal:
            log.info("document refused: %s", refusal)
            raise PeerError(429, "Too many documents are being translated; retry later.")
        self.start()
        self._wake.set()
        return handle

    def add_done(self, filename: str, fmt: str, data: bytes, billed: int, owner: str | None = None) -> DocumentHandle:
        """Keep an already translated file for download (LibreTranslate's synchronous /translate_file)."""
        handle = DocumentHandle(secrets.token_hex(16).upper(), secrets.token_hex(32))
        self.store.add(DocumentRecord(handle.id, filename, fmt, billed, status="done", result=data, owner=owner),
                       handle.key)
        return handle

    def get(self, job_id: str, key: str, tenant: Tenant | None = None) -> DocumentRecord:
        """The job with this id and key, if ``tenant`` is its uploader's tenant; 404 otherwise (a wrong key
        or another tenant's job says nothing about the id)."""
        record = self.store.get(job_id, key)
        if record is None or (record.owner is not None and (tenant is None or tenant.owner != record.owner)):
            raise PeerError(404, "Document not found.")
        self.start()  # a poll after a restart: this process helps with jobs orphaned meanwhile
        return record

    def by_key(self, key: str) -> DocumentRecord:
        """A finished job by its secret key alone; 404 otherwise."""
        record = self.store.by_key(key)
        if record is None or record.result is None:
            raise PeerError(404, "file not found")
        return record

    # -- running jobs -------------------------------------------------------------------------------

    def start(self) -> None:
        """Start this process's job threads (once; after a gunicorn worker forks, never before); none when
        :attr:`threads` is 0 (``documents.workers = 0``: ``python -m service worker`` runs the jobs)."""
        if self.threads < 1:
            return
        self.worker_id  # noqa: B018 - named before any thread needs it
        with self._lock:
            if self._threads or self._stopping.is_set():
                return
            workers = [threading.Thread(target=self._work_loop, name=f"documents-{n}", daemon=True)
                       for n in range(self.threads)]
            self._threads = [*workers, threading.Thread(target=self._lease_loop, name="documents-leases",
                                                        daemon=True)]
            for thread in self._threads:
                thread.start()

    def shutdown(self) -> None:
        """Stop taking work and give this process's running jobs back, so another worker runs them now."""
        self._stopping.set()
        self._wake.set()
        with self._lock:
            holding = bool(self._running or self._claiming)
        if not self._worker or not holding:
            return  # it holds no job: nothing to give back (and no write on a store that may be away)
        try:
            released = self.store.release(self.worker_id)
        except StoreUnavailableError as exc:  # the outage is logged by the store; the leases run out by themselves
            log.info("could not give back the document jobs of %s: %s", self.worker_id, exc.detail)
            return
        except Exception:  # a stopping worker must stop: the leases then run out by themselves
            log.warning("could not give back the document jobs of %s", self.worker_id, exc_info=True)
            return
        if released:
            log.info("gave back %d document job(s) for another worker", released)

    @property
    def _interval(self) -> float:
        return max(0.05, self.options.lease_s / 3)

    def _lease_loop(self) -> None:
        while not self._stopping.wait(self._interval):
            with self._lock:
                running = sorted(self._running)
            try:
                lost = self.store.renew(self.worker_id, running)
            except Exception:  # the store is down: retried next round (the outage is logged by the store)
                log.debug("could not renew document leases", exc_info=True)
                continue
            if lost:
                with self._lock:  # a job that finished meanwhile is not lost (its id could come back later)
                    self._lost.update(set(lost) & self._running)

    def _work_loop(self) -> None:
        while not self._stopping.is_set():
            work = self._claim()
            if work is None:
                self._wake.wait(self._interval)
                self._wake.clear()
                continue
            try:
                if not self._run(work):
                    self._wake.wait(self._interval)  # given back while the store or the models are busy
            except Exception:  # a job thread outlives any one failure (the job's lease runs out; it runs again)
                log.exception("document %s: the job thread failed", work.id)
            finally:
                with self._lock:
                    self._running.discard(work.id)
                    self._lost.discard(work.id)

    def _claim(self) -> DocumentWork | None:
        with self._lock:
            self._claiming += 1
        try:
            try:
                claim = self.store.claim(self.worker_id)
            except Exception:  # the store is down: retried next round
                log.debug("could not claim a document job", exc_info=True)
                return None
            if claim.work is not None:
                with self._lock:  # running before the claim stops counting: a stop sees one or the other
                    self._running.add(claim.work.id)
        finally:
            with self._lock:
                self._claiming -= 1
        for failed in claim.failed:
            self._refund(failed)
        return claim.work

    def _run(self, work: DocumentWork) -> bool:
        """Run one job to its end; False when it was given back to the queue to run later."""
        try:
            result = self._translate(work)
        except _LeaseLost:
            log.info("document %s: taken over by another worker", work.id)
            return True
        except (_Stopping, StoreUnavailableError, OverloadedError) as exc:  # nothing wrong with the job itself
            self._give_back(work, "this worker is stopping" if isinstance(exc, _Stopping) else exc.detail)
            return False
        except (BriefsError, PeerError) as exc:
            self._fail(work, exc.detail if isinstance(exc, BriefsError) else exc.message)
        except Exception:  # a worker must record the failure, not die with it
            log.exception("document %s failed", work.id)
            self._fail(work, "the document could not be translated; the failure was logged")
        else:
            try:
                if not self.store.finish(work.id, self.worker_id, "done", result=result):
                    log.info("document %s: finished after another worker took it over; result dropped", work.id)
            except StoreUnavailableError as exc:  # the lease runs out and the job runs again
                log.info("document %s: its result could not be stored (%s); it runs again", work.id, exc.detail)
        return True

    def _give_back(self, work: DocumentWork, why: str) -> None:
        """Queue ``work`` again at once (its attempt not counted); if the store cannot take that now, the
        lease runs out and another worker takes the job then."""
        try:
            self.store.release(self.worker_id, work.id)
            log.info("document %s: given back to the queue (%s)", work.id, why)
        except StoreUnavailableError:
            log.info("document %s: given back when its lease runs out (%s)", work.id, why)

    def _fail(self, work: DocumentWork, message: str) -> None:
        try:
            failed = self.store.finish(work.id, self.worker_id, "error", error=message)
        except StoreUnavailableError as exc:  # the lease runs out and the job runs again
            log.info("document %s: its failure could not be stored (%s); it runs again", work.id, exc.detail)
            return
        if failed:
            self._refund(work)

    def _refund(self, work: DocumentWork) -> None:
        if self.refund is not None and work.key_id and work.charged_day:
            try:
                self.refund(work.key_id, work.charged_day, work.billed_characters)
            except Exception:  # logged: the job's failure is recorded either way
                log.warning("could not refund document %s", work.id, exc_info=True)

    def _translate(self, work: DocumentWork) -> bytes:
        description = json.loads(work.job)
        job = TextJob(**{**description, "glossaries": tuple(description.get("glossaries") or ()),
                         "ignore_tags": tuple(description.get("ignore_tags") or ()),
                         "tenant": Tenant(**json.loads(work.tenant))})
        settings = self.resources.settings
        deadline = Deadline.after(self.options.deadline_s)
        document = read_document(work.input, work.fmt, job.target_lang, DocumentLimits.of(settings.limits))
        outputs = translate_texts(document.texts, job, self.resources, observe=self.observe, chunked=True,
                                  run_chunk=lambda chunk: self._chunk(work.id, deadline, chunk))
        return document.render(outputs)

    def _chunk(self, job_id: str, deadline: Deadline, chunk: Callable[[], Brief]) -> Brief:
        """One chunk under a model slot and the job's deadline; shed for load, it waits and tries again."""
        while True:
            if self._stopping.is_set():
                raise _Stopping
            with self._lock:
                if job_id in self._lost:
                    raise _LeaseLost
            budget = RequestBudget(deadline, self.slots, self.resources.settings.http.batch_max_size,
                                   tenant="documents")
            token = open_budget(budget)
            try:
                return chunk()
            except OverloadedError as exc:
                wait = float(exc.extra.get("retry_after") or 1)  # type: ignore[arg-type]
                if deadline.remaining() <= wait:
                    raise DeadlineExceededError(
                        f"the document was not translated within documents.deadline_s "
                        f"({self.options.deadline_s:g} s): the service is busy; upload it again later",
                        retry_after=wait) from None
                time.sleep(min(wait, deadline.remaining()))
            finally:
                close_budget(token)


def get_jobs() -> DocumentJobs:
    """The app's document jobs."""
    from flask import current_app

    return current_app.extensions["briefs.documents"]
