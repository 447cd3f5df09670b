"""A background job as the store keeps it: its state, options, progress, callback and errors."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from service.errors import BriefsError, NotFoundError
from service.storage.tenancy import Tenant

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
STATES = (QUEUED, RUNNING, DONE, FAILED, CANCELLED)
FINISHED = (DONE, FAILED, CANCELLED)
# Callback delivery: waiting for a (next) attempt, answered 2xx, or every attempt failed.
PENDING, DELIVERED, UNDELIVERED = "pending", "delivered", "failed"


class JobNotFoundError(NotFoundError):
    """No job with this id, or one the caller's tenant may not see (the same answer: 404)."""

    code, title = "job-not-found", "Job not found"


class TooManyJobsError(BriefsError):
    """The tenant already has ``jobs.max_concurrent`` queued or running jobs."""

    status, code, title, exit_code = 429, "too-many-jobs", "Too many jobs", 2


class JobInputTooLargeError(BriefsError):
    """The archive (or the JSON body) is over ``jobs.max_archive_bytes``, or has more entries than allowed."""

    status, code, title, exit_code = 413, "job-input-too-large", "Job input too large", 2


class LeaseLostError(BriefsError):
    """Another worker took the job over (this one missed its heartbeats): this one stops writing."""

    code, title = "job-lease-lost", "Job taken over by another worker"


@dataclass(frozen=True)
class JobOptions:
    """What to build for every article: the batch command's options, glossaries resolved to ids."""

    target_langs: tuple[str, ...]
    source_lang: str = "en"
    sentences: int | None = None
    ratio: float | None = None
    glossaries: tuple[str, ...] = ()  # glossary ids, resolved for the tenant at submit
    glossary_names: tuple[str, ...] = ()  # as the client named them (shown in the job's status)
    summarizer: str | None = None
    formats: tuple[str, ...] = ("json",)
    text_field: str = "text"
    id_field: str = "id"

    def to_dict(self) -> dict[str, Any]:
        return {"target_langs": list(self.target_langs), "source_lang": self.source_lang,
                "sentences": self.sentences, "ratio": self.ratio, "glossaries": list(self.glossaries),
                "glossary_names": list(self.glossary_names), "summarizer": self.summarizer,
                "formats": list(self.formats), "text_field": self.text_field, "id_field": self.id_field}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobOptions:
        return cls(target_langs=tuple(data["target_langs"]), source_lang=data.get("source_lang") or "en",
                   sentences=data.get("sentences"), ratio=data.get("ratio"),
                   glossaries=tuple(data.get("glossaries") or ()),
                   glossary_names=tuple(data.get("glossary_names") or ()), summarizer=data.get("summarizer"),
                   formats=tuple(data.get("formats") or ("json",)), text_field=data.get("text_field") or "text",
                   id_field=data.get("id_field") or "id")


@dataclass(frozen=True)
class Delivery:
    """One attempt to call a job's callback_url."""

    attempt: int
    at: float
    event: str
    status: int | None  # the receiver's HTTP status; None when no answer came
    error: str | None  # why the attempt failed (None: delivered)
    duration_ms: float


@dataclass
class JobRecord:
    """One job row; ``ok``/``failed``/``skipped`` count the articles recorded so far."""

    id: str
    owner: str | None
    key_id: str | None
    state: str
    options: JobOptions
    input_name: str
    input_bytes: int
    created_at: float
    total: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    characters: int = 0
    cancel_requested: bool = False
    error_code: str | None = None
    error_message: str | None = None
    callback_url: str | None = None
    callback_state: str | None = None
    callback_next_at: float | None = None
    runs: int = 0
    started_at: float | None = None
    finished_at: float | None = None
    expires_at: float | None = None
    run_started_at: float | None = None
    run_processed: int = 0
    lease_owner: str | None = None
    lease_until: float | None = None
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def processed(self) -> int:
        return self.ok + self.failed + self.skipped

    def tenant(self) -> Tenant:
        """The tenant the job acts for (whose translation memories its briefs may reuse)."""
        return Tenant(owner=self.owner, key_id=self.key_id)

    def eta_s(self, now: float | None = None) -> float | None:
        """Seconds to go at the pace of the current run; None before there is a pace (or when done)."""
        if self.state != RUNNING or self.run_started_at is None:
            return None
        done_now = self.processed - self.run_processed
        remaining = max(0, self.total - self.processed)
        elapsed = (now or time.time()) - self.run_started_at
        if done_now <= 0 or elapsed <= 0:
            return None
        return round(remaining * elapsed / done_now, 1)


def status_body(job: JobRecord, now: float | None = None) -> dict[str, Any]:
    """The job as ``GET /v1/jobs/{id}`` shows it (and as its callback sends it); never its callback secret."""
    options = job.options
    return {
        "id": job.id, "state": job.state, "owner": job.owner,
        "articles": {"total": max(job.total, job.processed), "done": job.ok, "failed": job.failed,
                     "skipped": job.skipped},
        "characters_charged": job.characters, "eta_s": job.eta_s(now), "cancel_requested": job.cancel_requested,
        "options": {"target_langs": list(options.target_langs), "source_lang": options.source_lang,
                    "sentences": options.sentences, "ratio": options.ratio,
                    "glossaries": list(options.glossary_names), "summarizer": options.summarizer,
                    "formats": list(options.formats)},
        "input": {"name": job.input_name, "bytes": job.input_bytes},
        "error": {"code": job.error_code, "message": job.error_message} if job.error_code else None,
        "runs": job.runs, "created_at": _iso(job.created_at), "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at), "expires_at": _iso(job.expires_at),
        "callback": None if not job.callback_url else {
            "url": job.callback_url, "state": job.callback_state,
            "next_attempt_at": _iso(job.callback_next_at) if job.callback_state == PENDING else None,
            "attempts": [{"attempt": d.attempt, "at": _iso(d.at), "event": d.event, "status": d.status,
                          "error": d.error, "duration_ms": d.duration_ms} for d in job.deliveries]},
        "links": {"self": f"/v1/jobs/{job.id}", "results": f"/v1/jobs/{job.id}/results",
                  "cancel": f"/v1/jobs/{job.id}/cancel"},
    }


def _iso(at: float | None) -> str | None:
    return None if at is None else datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")
