"""Running one claimed job on the batch runner: one engine, the batch command's limits, manifest and spellings.

Each run rebuilds the job's folder from the store (input; outputs, manifest lines and settled
spellings recorded so far), then calls :func:`service.batch.runner.run_batch`, which skips what
is done and resumes at the first unfinished article. Every manifest line the runner writes is
copied into the store with the article's outputs and charge in one transaction
(:meth:`JobStore.record_article`), under the job's lease; a heartbeat thread renews the lease and
watches for a cancel. A run killed at any point leaves the store as of its last recorded article.
"""
from __future__ import annotations

import logging
import math
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.batch.manifest import MANIFEST_NAME, write_lines_atomically
from service.batch.runner import LEARNED_TBX_NAME, BatchJob, run_batch
from service.batch.safety import inside
from service.batch.spellings import LEARNED_STATE_NAME
from service.batch.summary import SUMMARY_NAME
from service.errors import BriefsError, JobCancelledError, QuotaExceededError, StoreUnavailableError
from service.jobs.model import CANCELLED, DONE, FAILED, JobRecord, LeaseLostError
from service.jobs.schema import OUTPUT
from service.jobs.store import ArticleRecord, JobStore
from service.pipeline import BriefRequest
from service.runtime.request_budget import Deadline, RequestBudget, close_budget, open_budget
from service.runtime.resources import Resources
from service.settings import Settings

log = logging.getLogger(__name__)

INTERNAL = ("internal-error", "unexpected internal error; the service log has the details")
# The pipeline checks a cancel before each stage and each engine call of this many sentences.
_CANCEL_CHECK_SENTENCES = 4096


@dataclass(frozen=True)
class CancelWatch(Deadline):
    """A "deadline" that never passes but ends the work once the job is cancelled or taken over.

    Opened as the run's request budget, so the pipeline's own checks (before every stage and
    engine call) stop a cancelled job inside its current group, not only between groups.
    """

    stop: threading.Event = field(default_factory=threading.Event)
    stopping: threading.Event = field(default_factory=threading.Event)  # the worker is shutting down

    def remaining(self) -> float:
        return math.inf

    def check(self, before: str) -> None:
        if self.stopping.is_set():
            raise WorkerStoppingError(f"the worker stopped before {before}")
        if self.stop.is_set():
            raise JobCancelledError(f"the job was cancelled before {before}")


class WorkerStoppingError(JobCancelledError):
    """The worker is shutting down: the job goes back to the queue (not cancelled) for the next worker."""

    code, title = "worker-stopping", "Worker stopping"


class Heartbeat:
    """Renews the job's lease every ``jobs.heartbeat_s``; sets ``watch.stop`` on a cancel or a lost lease."""

    def __init__(self, store: JobStore, job_id: str, owner: str, settings: Settings, watch: CancelWatch) -> None:
        self.store, self.job_id, self.owner, self.watch = store, job_id, owner, watch
        self.every_s, self.lease_s = settings.jobs.heartbeat_s, settings.jobs.lease_s
        self.cancelled = False
        self.lost = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"job-heartbeat-{job_id[:8]}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=max(5.0, 2 * self.every_s))

    def beat(self) -> None:
        ours, cancel = self.store.heartbeat(self.job_id, self.owner, self.lease_s)
        self.lost = self.lost or not ours
        self.cancelled = self.cancelled or cancel
        if self.lost or self.cancelled:
            self.watch.stop.set()

    def _run(self) -> None:
        while not self._done.wait(self.every_s):
            try:
                self.beat()
            except BriefsError:  # the store is away for a moment: the lease outlives a few missed beats
                log.warning("job %s: heartbeat failed", self.job_id, exc_info=True)


class _Recorder:
    """The runner's record hook: each manifest line, its outputs and new spellings into the store."""

    def __init__(self, store: JobStore, job: JobRecord, owner: str, out: Path, input_path: Path,
                 heartbeat: Heartbeat, default_quota: int) -> None:
        self.store, self.job, self.owner, self.out = store, job, owner, out
        self.input_prefix = str(input_path)
        self.heartbeat, self.default_quota = heartbeat, default_quota
        self.learned = out / LEARNED_STATE_NAME
        self.learned_offset = self.learned.stat().st_size if self.learned.exists() else 0
        self.cancelled = False  # the store said so when the last article was recorded

    def __call__(self, line: dict[str, Any], characters: int) -> None:
        if self.heartbeat.lost:
            raise LeaseLostError(f"job {self.job.id} was taken over by another worker")
        self.heartbeat.watch.check("recording an article")  # cancelled, or the worker is stopping
        if self.cancelled:  # the article in progress when the cancel came was the last one recorded
            raise JobCancelledError("the job was cancelled")
        line = dict(line)
        if str(line.get("source", "")).startswith(self.input_prefix):  # no server paths in what clients see
            line["source"] = self.job.input_name + line["source"][len(self.input_prefix):]
        files = [(name, (self.out / name).read_bytes()) for name in line.get("outputs") or ()]
        self.cancelled = self.store.record_article(self.job.id, self.owner, ArticleRecord(line, files, characters),
                                                   self._new_spellings(), default_quota=self.default_quota)

    def _new_spellings(self) -> list[str]:
        """Lines the job's spelling book appended since the last article (only whole lines)."""
        if not self.learned.exists():
            return []
        with self.learned.open("rb") as fh:
            fh.seek(self.learned_offset)
            data = fh.read()
        whole = data[:data.rfind(b"\n") + 1]
        self.learned_offset += len(whole)
        return [line.decode("utf-8") for line in whole.splitlines() if line.strip()]


class JobRunner:
    """Runs claimed jobs in this process with its Resources (models loaded once)."""

    def __init__(self, store: JobStore, settings: Settings, resources: Resources, owner: str,
                 stopping: threading.Event | None = None) -> None:
        self.store, self.settings, self.resources, self.owner = store, settings, resources, owner
        self.stopping = stopping or threading.Event()
        self.work_root = work_root(settings)

    def run(self, job: JobRecord) -> str | None:
        """Run ``job`` (claimed by this runner's owner) to its end; its final state, None if taken over."""
        if job.cancel_requested:
            self.store.finish(job.id, self.owner, CANCELLED)
            return CANCELLED
        work = self.work_root / job.id
        shutil.rmtree(work, ignore_errors=True)
        try:
            input_path, out = self._materialise(job, work)
            return self._run_batch(job, input_path, out)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _run_batch(self, job: JobRecord, input_path: Path, out: Path) -> str | None:
        watch = CancelWatch(at=math.inf, seconds=0.0, stopping=self.stopping)
        token = open_budget(RequestBudget(watch, None, _CANCEL_CHECK_SENTENCES))
        state: str = FAILED
        error: tuple[str, str] | None = INTERNAL
        files: list[tuple[str, bytes]] = []
        try:
            with Heartbeat(self.store, job.id, self.owner, self.settings, watch) as heartbeat:
                recorder = _Recorder(self.store, job, self.owner, out, input_path, heartbeat,
                                     self.settings.http.char_quota)
                run_batch(self._batch_job(job, input_path, out), self.settings, resources=self.resources,
                          quiet=True, on_record=recorder)
            state, error = DONE, None
            files = [(name, (out / name).read_bytes()) for name in (SUMMARY_NAME, LEARNED_TBX_NAME)
                     if (out / name).is_file()]
        except LeaseLostError:
            log.warning("job %s was taken over by another worker; this one stops", job.id)
            return None
        except WorkerStoppingError:
            self.store.release(job.id, self.owner)
            log.info("job %s goes back to the queue: this worker is stopping", job.id)
            return None
        except JobCancelledError:
            state, error = CANCELLED, None
        except StoreUnavailableError:  # a passing outage is not the job's failure: it resumes after its lease
            log.warning("job %s: the store went away; the job resumes when a worker can take it again", job.id)
            return None
        except QuotaExceededError as exc:
            error = (exc.code, f"stopped: {exc.detail}; the articles before this one are kept")
        except BriefsError as exc:
            error = (exc.code, exc.detail)
        except Exception:  # a job's failure is its own: recorded, logged, the worker goes on
            log.exception("job %s failed", job.id)
        finally:
            close_budget(token)
        ended = self.store.finish(job.id, self.owner, state, error=error, files=files)
        return state if ended else None

    def _batch_job(self, job: JobRecord, input_path: Path, out: Path) -> BatchJob:
        options, jobs = job.options, self.settings.jobs
        request = BriefRequest(target_langs=options.target_langs, source_lang=options.source_lang,
                               sentences=options.sentences, ratio=options.ratio, glossaries=options.glossaries,
                               summarizer=options.summarizer, tenant=job.tenant())
        return BatchJob(input=input_path, out=out, request=request, formats=options.formats,
                        text_field=options.text_field, id_field=options.id_field, engine=jobs.engine,
                        ray_address=jobs.ray_address or None, workers=jobs.ray_workers)

    def _materialise(self, job: JobRecord, work: Path) -> tuple[Path, Path]:
        """The job's folder as the store has it: input, recorded outputs, manifest and spellings."""
        input_path = work / "input" / job.input_name
        input_path.parent.mkdir(parents=True)
        with input_path.open("wb") as fh:
            for part in self.store.input_parts(job.id):
                fh.write(part)
        out = work / "out"
        out.mkdir()
        lines = self.store.manifest(job.id)
        for line in lines:
            for name in line.get("outputs") or ():
                data = self.store.file(job.id, OUTPUT, name)
                if data is not None:  # plain writes: a crash now means the folder is rebuilt again
                    path = inside(out, name)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
        write_lines_atomically(out / MANIFEST_NAME, lines)
        spellings = self.store.spellings(job.id)
        (out / LEARNED_STATE_NAME).write_text("".join(s + "\n" for s in spellings), encoding="utf-8")
        return input_path, out


def work_root(settings: Settings) -> Path:
    """Where workers build jobs: ``jobs.work_dir``, else ``jobs`` beside the SQLite store (or under /tmp)."""
    if settings.jobs.work_dir:
        return Path(settings.jobs.work_dir)
    if not settings.store_url or settings.store_url.startswith("sqlite"):
        return settings.store_path.parent / "jobs"
    import tempfile

    return Path(tempfile.gettempdir()) / "briefs-jobs"

