"""A batch job: read INPUT, build briefs in groups (local engine or Ray), write outputs and the manifest.

Order of writes per article: its output files (temp file, fsync, rename), then its manifest line
(appended, fsynced). A crash between the two leaves outputs without a line: the article is redone.
"""
from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TextIO

from service.batch.errors import BatchOutputError
from service.batch.extract import Article, input_sha256, prepare
from service.batch.groups import INTERNAL_ERROR, Group, Outcome, build_group, error_of, prefetch
from service.batch.inputs import ARTICLE_SUFFIXES, InputSource, RawArticle, ReadOptions
from service.batch.manifest import FAILED, MANIFEST_NAME, OK, SKIPPED, JobLock, Manifest, options_key
from service.batch.outputs import (
    atomic_write,
    output_stem,
    remove_stale_temp_files,
    render_outputs,
    write_outputs,
)
from service.batch.progress import BatchProgress
from service.batch.sources import open_input
from service.batch.spellings import LEARNED_STATE_NAME, JobLearnedGlossary, SpellingBook
from service.batch.summary import SUMMARY_NAME, BatchSummary
from service.brief import Brief
from service.errors import BadInputError, BriefsError, GlossaryNotFoundError
from service.glossary.model import ActiveGlossary
from service.pipeline import BriefRequest, resolve_request
from service.runtime.resources import Resources
from service.settings import Settings

log = logging.getLogger(__name__)

LEARNED_TBX_NAME = "learned.tbx"
_MAX_SETTLED_PER_GROUP = 1000  # a resumed run still reports progress while it skips

# Told of each manifest line once it is on disk, with the characters of the article's text when it
# was built (0 otherwise): background jobs copy the line and outputs into the store and charge it.
# Raising stops the run there (a cancelled job, a quota spent); the manifest keeps the line.
RecordHook = Callable[[dict[str, Any], int], None]


@dataclass(frozen=True)
class BatchJob:
    """What ``python -m service batch`` was asked to do."""

    input: Path
    out: Path
    request: BriefRequest
    formats: tuple[str, ...] = ("json",)
    text_field: str = "text"
    id_field: str = "id"
    force: bool = False
    engine: str = "local"
    ray_address: str | None = None
    workers: int = 2
    save_learned: str | None = None


class Engine(Protocol):
    """Builds the briefs of each group; yields groups in the order given, with their outcomes."""

    name: str

    def run(self, groups: Iterator[Group]) -> Iterator[tuple[Group, list[Outcome]]]:
        ...


class LocalEngine:
    """This process: one Resources (models load once), one learned glossary for the job."""

    name = "local"

    def __init__(self, resources: Resources, request: BriefRequest, book: SpellingBook) -> None:
        self.resources = resources
        self.request = request
        self.learned = JobLearnedGlossary(book)

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def run(self, groups: Iterator[Group]) -> Iterator[tuple[Group, list[Outcome]]]:
        for group in groups:
            yield group, build_group(group.articles, self.request, self.resources, self.learned)


def run_batch(job: BatchJob, settings: Settings, *, resources: Resources | None = None,
              stream: TextIO | None = None, quiet: bool = False, on_record: RecordHook | None = None
              ) -> BatchSummary:
    """Run the job; return its summary (also written to ``summary.json``). Unsafe input writes nothing."""
    if job.out.exists() and not job.out.is_dir():
        raise BadInputError(f"--out {job.out} exists and is not a folder")
    source = open_input(job.input, ReadOptions(settings.batch, job.text_field, job.id_field, job.out))
    total = source.scan()  # refuses an unsafe archive before anything is written
    resources = resources or Resources(settings)
    request = resolve_request(job.request, resources)  # a missing model fails before any article
    active = resources.glossaries.resolve(request.glossaries, request.inline_glossary)
    options = job_options(request, active, job.formats)
    job.out.mkdir(parents=True, exist_ok=True)
    with JobLock(job.out):
        remove_stale_temp_files(job.out)
        manifest = Manifest(job.out / MANIFEST_NAME).open()
        book = SpellingBook(job.out / LEARNED_STATE_NAME)
        summary = BatchSummary(engine=job.engine)
        progress = BatchProgress(total, stream or sys.stderr, quiet=quiet, log_every_s=settings.batch.log_every_s)
        started = time.monotonic()
        try:
            with _engine(job, settings, resources, request, active, book) as engine:
                writer = _Writer(job, manifest, options, summary, progress, on_record)
                reader = _groups(source, dict(manifest.records), options, job, settings)
                for group, outcomes in engine.run(prefetch(reader, settings.batch.prefetch_groups)):
                    writer.record(group, outcomes)
        finally:
            progress.close()
            manifest.close()
            book.close()
        summary.seconds = time.monotonic() - started
        _finish(job, request, resources, book, summary)
    return summary


def job_options(request: BriefRequest, active: ActiveGlossary, formats: tuple[str, ...]) -> str:
    """The fingerprint an article's manifest line carries: a rerun with other options redoes it."""
    options = {
        "source_lang": request.source_lang, "target_langs": list(request.target_langs),
        "sentences": request.sentences, "ratio": request.ratio, "summarizer": request.summarizer,
        "glossaries": active.key(), "inline": len(request.inline_glossary), "formats": sorted(formats),
    }
    owned = [g.id for g in active.layers if g.owner is not None]
    if owned:  # a team's name@version counts within its team: another team's glossary of the name may match it
        options["owned_glossary_ids"] = owned
    return options_key(options)


def _engine(job: BatchJob, settings: Settings, resources: Resources, request: BriefRequest,
            active: ActiveGlossary, book: SpellingBook) -> AbstractContextManager[Engine]:
    if job.engine == "ray":
        from service.batch.ray_engine import RayEngine

        return RayEngine(settings, request, active, book, workers=job.workers, address=job.ray_address)
    if job.engine != "local":
        raise BadInputError(f"unknown engine {job.engine!r}; expected local or ray")
    return LocalEngine(resources, request, book)


def _groups(source: InputSource, previous: dict[str, dict[str, Any]], options: str, job: BatchJob,
            settings: Settings) -> Iterator[Group]:
    """Read, hash, skip what is done, extract text; in groups of ``batch.group_articles`` articles."""
    done = Manifest(job.out / MANIFEST_NAME)
    done.records = previous
    stems: set[str] = set()
    group = Group()
    for raw in source.articles():
        if raw.kind == "ignored":
            group.settled.append(("ignored", raw))
            continue
        raw = _unique(raw, stems)
        sha = input_sha256(raw)
        if not job.force and done.is_done(raw.id, sha, options, job.out):
            group.settled.append(("skipped", raw))
        elif raw.kind == "not-article":
            group.settled.append(("not-article", Article(raw.id, raw.source, sha)))
        else:
            article = prepare(raw, sha, settings.limits.max_chars)
            (group.articles if article.error is None else group.settled).append(article)
        if len(group.articles) >= settings.batch.group_articles or len(group.settled) >= _MAX_SETTLED_PER_GROUP:
            yield group
            group = Group()
    if group.articles or group.settled:
        yield group


def _unique(raw: RawArticle, stems: set[str]) -> RawArticle:
    """The article with an id whose output name no earlier article has (``~2``, ``~3`` appended)."""
    candidate, n = raw.id, 1
    while output_stem(candidate).casefold() in stems:
        n += 1
        candidate = f"{raw.id}~{n}"
    stems.add(output_stem(candidate).casefold())
    if candidate == raw.id:
        return raw
    return RawArticle(candidate, raw.source, raw.data, raw.kind, raw.text, raw.error)


class _Writer:
    """Outputs, manifest lines, counts and progress for each finished article (main thread only)."""

    def __init__(self, job: BatchJob, manifest: Manifest, options: str, summary: BatchSummary,
                 progress: BatchProgress, on_record: RecordHook | None = None) -> None:
        self.job, self.manifest, self.options = job, manifest, options
        self.summary, self.progress, self.on_record = summary, progress, on_record

    def record(self, group: Group, outcomes: list[Outcome]) -> None:
        for item in group.settled:
            self._settled(item)
        for article, outcome in zip(group.articles, outcomes, strict=True):
            if outcome.id != article.id:
                raise RuntimeError(f"engine answered {outcome.id} for {article.id}")
            if outcome.brief is None:
                self._failed(article, outcome.error or ("internal-error", "no brief"))
            else:
                self._ok(article, outcome)

    def _settled(self, item: Any) -> None:
        if isinstance(item, Article):
            self._failed(item, error_of(item.error) if item.error else ("internal-error", "no text"))
            return
        kind, entry = item
        if kind == "ignored":
            self.summary.not_articles += 1
        elif kind == "skipped":
            self.summary.skipped += 1
            self.summary.count_review((self.manifest.records.get(entry.id) or {}).get("needs_review"))
            self.progress.advance(SKIPPED)
        else:
            self.summary.not_articles += 1
            self.progress.advance(SKIPPED)
            previous = self.manifest.records.get(entry.id)
            if not (previous and previous.get("status") == SKIPPED and previous.get("sha256") == entry.sha256):
                suffixes = ", ".join(ARTICLE_SUFFIXES)
                self._line(entry, SKIPPED, ("not-an-article", f"not an article file ({suffixes})"))

    def _ok(self, article: Article, outcome: Outcome) -> None:
        assert outcome.brief is not None
        start = time.perf_counter()
        try:
            files = render_outputs(outcome.brief, self.job.formats)
        except Exception as exc:  # a brief an exporter cannot write fails alone
            log.debug("rendering %s failed", article.id, exc_info=True)
            self._failed(article, error_of(exc) if isinstance(exc, BriefsError) else INTERNAL_ERROR)
            return
        try:
            outputs = write_outputs(self.job.out, output_stem(article.id), files)
        except OSError as exc:
            raise BatchOutputError(f"cannot write the outputs of {article.id} under {self.job.out}: "
                                   f"{exc.strerror or type(exc).__name__}") from None
        sentences = len(outcome.brief.segments)
        timings = {"pipeline_ms": outcome.pipeline_ms, "write_ms": round((time.perf_counter() - start) * 1000, 2)}
        title = outcome.brief.title.en if outcome.brief.title is not None else None
        review = _review(outcome.brief)
        self._line(article, OK, None, outputs=outputs, sentences=sentences, timings_ms=timings, title=title,
                   review=review, characters=len(article.text or ""))
        self.summary.count_review(review)
        self.summary.ok += 1
        self.summary.sentences += sentences
        self.progress.advance(OK, sentences)

    def _failed(self, article: Article, error: tuple[str, str]) -> None:
        self._line(article, FAILED, error)
        self.summary.failed += 1
        self.summary.failures[error[0]] += 1
        self.progress.advance(FAILED)

    def _line(self, article: Article, status: str, error: tuple[str, str] | None, *,
              outputs: list[str] | None = None, sentences: int = 0, timings_ms: dict[str, float] | None = None,
              title: str | None = None, review: dict[str, Any] | None = None, characters: int = 0) -> None:
        record = {
            "id": article.id, "source": article.source, "status": status,
            "error": {"code": error[0], "message": error[1]} if error else None,
            "sha256": article.sha256, "options": self.options, "outputs": outputs or [], "title": title,
            "sentences": sentences, "timings_ms": timings_ms or {}, "engine": self.job.engine,
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            **({"needs_review": review} if review is not None else {}),
        }
        self.manifest.append(record)
        if self.on_record is not None:
            self.on_record(record, characters)


def _review(brief: Brief) -> dict[str, Any] | None:
    """A brief's segments needing review for its manifest line (None when quality signals are off)."""
    quality = brief.meta.quality
    if quality is None:
        return None
    return {"segments": quality.needs_review, "by_lang": dict(quality.by_lang)}


def _finish(job: BatchJob, request: BriefRequest, resources: Resources, book: SpellingBook,
            summary: BatchSummary) -> None:
    """learned.tbx, --save-learned, summary.json."""
    from service.glossary.formats import serialise_glossary

    entries = book.entries()
    summary.learned_names = len(entries)
    atomic_write(job.out / LEARNED_TBX_NAME, serialise_glossary(entries, "tbx", source_lang=request.source_lang))
    if job.save_learned and entries:
        store = resources.glossaries
        try:
            store.add_entries(job.save_learned, entries)
        except GlossaryNotFoundError:
            store.create(job.save_learned, entries, description="names learned by a batch job")
    data = json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n"
    atomic_write(job.out / SUMMARY_NAME, data.encode("utf-8"))
