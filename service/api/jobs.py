"""/v1/jobs: archives (or many articles) handed over at once, run in the background on the batch runner.

``POST /v1/jobs`` takes the batch command's inputs (a multipart upload, field ``archive``) or a JSON
body of ``texts``/``articles``, with the brief options; it answers 202 with the job and its URL.
Workers run it (:mod:`service.jobs`); ``GET /v1/jobs/{id}`` shows its state, counts, charge, ETA and
callback attempts; ``/results`` gives the batch command's outputs as a zip; ``POST …/cancel`` (or
``DELETE`` while it runs) cancels it. A job belongs to the key's tenant: another tenant's is 404,
a reader may read but not submit or cancel (403). Articles are charged as they are built.
"""
from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, cast

from flask import Flask, Response, current_app, jsonify, request, send_file
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint
from werkzeug.exceptions import UnsupportedMediaType

from service.api import access
from service.api.briefs import StoredBriefSchema
from service.api.context import get_resources
from service.api.job_schemas import (
    JobJsonSchema,
    JobListQuerySchema,
    JobListSchema,
    JobOptionsSchema,
    JobSchema,
    JobUploadSchema,
)
from service.api.media import JSON, is_json
from service.api.schemas import ProblemSchema
from service.api.spec_truth import translation_pairs
from service.api.tenancy import current_tenant, tenant_glossaries
from service.batch.outputs import output_stem
from service.errors import BadInputError, ConflictError, NotFoundError, QuotaExceededError, UnsupportedPairError
from service.jobs.inputs import JSON_INPUT_NAME, input_name, write_json_articles
from service.jobs.model import JobOptions, JobRecord, status_body
from service.jobs.results import write_results
from service.jobs.schema import OUTPUT
from service.jobs.service import Jobs
from service.jobs.webhooks import new_secret
from service.languages import validate_lang
from service.storage.tenancy import require_create

blp = Blueprint("jobs", __name__, url_prefix="/v1", description="Background jobs: archives on the batch runner")

MULTIPART = "multipart/form-data"
ZIP = "application/zip"
SPOOL_BYTES = 4 << 20


class JobNotFinishedError(ConflictError):
    code, title = "job-not-finished", "Job not finished"


class ArticleNotFoundError(NotFoundError):
    code, title = "article-not-found", "Article not found"


class ArticleFailedError(ConflictError):
    code, title = "article-failed", "Article failed"


def get_jobs() -> Jobs:
    """The app's jobs (store and queue)."""
    return cast(Jobs, current_app.extensions["briefs.jobs"])


def _upload_limit() -> None:
    """A job's body may be as large as ``jobs.max_archive_bytes`` (before anything reads it)."""
    if request.method == "POST" and request.path.rstrip("/") == "/v1/jobs":
        jobs = get_resources().settings.jobs  # the largest any tenant may send; its own limit is checked later
        request.max_content_length = max([jobs.max_archive_bytes, *(
            int(own.get("max_archive_bytes", 0)) for own in jobs.tenant_limits.values())])


def init_jobs(app: Flask) -> Jobs:
    """The app's Jobs, and the larger body limit of a submit (call before any hook reads the body)."""
    jobs = Jobs(cast(Any, app.extensions["briefs"]).settings)
    app.extensions["briefs.jobs"] = jobs
    app.before_request(_upload_limit)
    return jobs


def _options(body: dict[str, Any]) -> JobOptions:
    """The body's options, glossaries resolved for the tenant and languages checked before any work."""
    settings = get_resources().settings
    source = validate_lang(body.get("source_lang") or settings.source_lang)
    targets = tuple(dict.fromkeys(validate_lang(t) for t in body.get("target_langs") or settings.target_langs))
    served = translation_pairs(settings).get(source, [])
    for target in targets:
        if target not in served:
            raise UnsupportedPairError(f"no translation model for {source}-{target}; this service translates "
                                       f"{source} into {', '.join(served) or 'nothing'}", pair=f"{source}-{target}")
    names = tuple(body.get("glossaries") or ())
    return JobOptions(target_langs=targets, source_lang=source, sentences=body.get("sentences"),
                      ratio=body.get("ratio"), glossaries=tenant_glossaries().glossary_ids(names),
                      glossary_names=names, summarizer=body.get("summarizer"), formats=tuple(body["formats"]),
                      text_field=body["text_field"], id_field=body["id_field"])


def _quota_left() -> None:
    """A key whose characters for today are spent gets 429 now, not a job that fails at its first article."""
    key = access.current_key()
    if key is None:
        return
    settings = get_resources().settings
    quota = access.quota_for(key, settings)
    used = current_app.extensions["briefs.keys"].usage(key.id).characters
    if quota and used >= quota:
        now = datetime.now(UTC)
        midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        raise QuotaExceededError(f"the key has used {used} of its {quota} characters today (UTC)",
                                 retry_after=max(1, int((midnight - now).total_seconds())))


def _read_body(folder: Path) -> tuple[dict[str, Any], Path, str]:
    """The options and the input file: a multipart upload (field ``archive``) or JSON articles."""
    parser = blp.ARGUMENTS_PARSER
    if request.mimetype == MULTIPART:
        body = parser.parse(JobOptionsSchema(), request, location="form")
        upload = request.files.get("archive")
        if upload is None:
            raise BadInputError("send the input as the multipart file field 'archive'", field="archive")
        head = upload.stream.read(512)
        upload.stream.seek(0)
        name = input_name(upload.filename, head)
        path = folder / name
        upload.save(path)
        return body, path, name
    if is_json(request.mimetype):
        body = parser.parse(JobJsonSchema(), request, location="json")
        path = folder / JSON_INPUT_NAME
        write_json_articles(path, body, body["id_field"], body["text_field"])
        return body, path, JSON_INPUT_NAME
    raise UnsupportedMediaType(f"send {MULTIPART} (an archive in the field 'archive') or {JSON} "
                               "(texts or articles)")


@blp.route("/jobs", methods=["POST"])
@blp.response(202, JobSchema, description="the job, queued; Location names it")
@blp.alt_response(422, schema=ProblemSchema, description="bad options, an unsafe archive (unsafe-archive), an "
                  "input of unknown type, a callback_url on a host not allowed (callback-refused)")
@blp.alt_response(404, schema=ProblemSchema, description="a glossary the tenant cannot see")
@blp.doc(requestBody={"required": True, "content": {
    JSON: {"schema": JobJsonSchema},
    MULTIPART: {"schema": JobUploadSchema}}})
def submit_job() -> ResponseReturnValue:
    """Submit an archive or a list of articles; a worker builds a brief of every article in the background.

    The input is checked at once as the batch command checks it (unsafe archives, unknown types,
    the tenant's limits on size, entries and running jobs): refused input is never queued or charged.
    """
    jobs, tenant = get_jobs(), current_tenant()
    require_create(tenant, noun="job")  # a reader is refused before its upload is read
    folder = Path(tempfile.mkdtemp(prefix="briefs-submit-"))
    try:
        body, path, name = _read_body(folder)
        options = _options(body)
        _quota_left()
        callback, secret = body.get("callback_url"), body.get("callback_secret")
        made_secret = callback is not None and secret is None
        if made_secret:
            secret = new_secret()
        key = access.current_key()
        job = jobs.submit(path, name, options, tenant=tenant, key_id=key.id if key else None,
                          callback_url=callback, callback_secret=secret)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    answer = status_body(job)
    if made_secret:
        answer["callback_secret"] = secret
    response = jsonify(JobSchema().dump(answer))
    response.status_code = 202
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return response


@blp.route("/jobs", methods=["GET"])
@blp.arguments(JobListQuerySchema, location="query", as_kwargs=True)
@blp.response(200, JobListSchema)
def list_jobs(limit: int, state: str | None = None) -> dict[str, Any]:
    """The tenant's jobs, newest first."""
    records = get_jobs().store.list_jobs(tenant=current_tenant(), state=state, limit=limit)
    return {"jobs": [status_body(r) for r in records]}


@blp.route("/jobs/<job_id>", methods=["GET"])
@blp.response(200, JobSchema)
@blp.alt_response(404, schema=ProblemSchema, description="no such job, or another tenant's (job-not-found)")
def get_job(job_id: str) -> dict[str, Any]:
    """A job's state, article counts, characters charged, ETA and callback attempts."""
    return status_body(get_jobs().store.get(job_id, tenant=current_tenant()))


@blp.route("/jobs/<job_id>/cancel", methods=["POST"])
@blp.response(202, JobSchema, description="the job; a running one stops after its current article")
@blp.alt_response(404, schema=ProblemSchema, description="no such job, or another tenant's (job-not-found)")
def cancel_job(job_id: str) -> dict[str, Any]:
    """Cancel a job: a queued one ends now, a running one after the article in progress (a finished one stays)."""
    return status_body(get_jobs().store.request_cancel(job_id, tenant=current_tenant()))


@blp.route("/jobs/<job_id>", methods=["DELETE"])
@blp.response(202, JobSchema, description="a queued or running job, cancelled (as POST …/cancel)")
@blp.alt_response(204, description="a finished job, removed with its results")
@blp.alt_response(404, schema=ProblemSchema, description="no such job, or another tenant's (job-not-found)")
def delete_job(job_id: str) -> ResponseReturnValue:
    """Cancel a job that has not finished; remove a finished one and its results."""
    store, tenant = get_jobs().store, current_tenant()
    job = store.get(job_id, tenant=tenant)
    if not job.finished:
        return status_body(store.request_cancel(job_id, tenant=tenant))
    store.delete(job_id, tenant=tenant)
    return Response(status=204)


@blp.route("/jobs/<job_id>/results", methods=["GET"])
@blp.response(200, description="a zip: the briefs, manifest.jsonl, summary.json and learned.tbx",
              content_type=ZIP)
@blp.doc(responses={"200": {"content": {ZIP: {"schema": {"type": "string", "format": "binary"}}}}})
@blp.alt_response(404, schema=ProblemSchema, description="no such job, or another tenant's (job-not-found)")
@blp.alt_response(409, schema=ProblemSchema, description="the job has not finished (job-not-finished)")
def job_results(job_id: str) -> ResponseReturnValue:
    """The batch command's outputs for a finished job (a cancelled or failed one: what was built)."""
    jobs = get_jobs()
    job = jobs.store.get(job_id, tenant=current_tenant())
    _require_finished(job)
    return _zip_response(lambda target: write_results(jobs.store, job.id, target), f"job-{job.id[:8]}-results.zip")


@blp.route("/jobs/<job_id>/articles/<path:article_id>", methods=["GET"])
@blp.response(200, description="the article's brief (JSON); a zip of its files when the job built no JSON",
              content_type=JSON)
@blp.doc(responses={"200": {"content": {JSON: {"schema": StoredBriefSchema},
                                        ZIP: {"schema": {"type": "string", "format": "binary"}}}}})
@blp.alt_response(404, schema=ProblemSchema, description="no such job (job-not-found), or no such article yet "
                  "(article-not-found)")
@blp.alt_response(409, schema=ProblemSchema, description="the article failed (article-failed; the detail says why)")
def job_article(job_id: str, article_id: str) -> ResponseReturnValue:
    """One article's brief, by its id in the manifest, as soon as it is built."""
    jobs = get_jobs()
    job = jobs.store.get(job_id, tenant=current_tenant())
    line = jobs.store.article(job.id, article_id)
    if line is None:
        raise ArticleNotFoundError(f"job {job.id} has no article {article_id!r} (yet)")
    if line["status"] != "ok":
        error = line.get("error") or {}
        raise ArticleFailedError(f"article {article_id!r}: {error.get('message') or line['status']}")
    outputs: list[str] = line["outputs"]
    brief = next((name for name in outputs if name == output_stem(article_id) + ".json"), None)
    if brief is not None:
        return Response(jobs.store.file(job.id, OUTPUT, brief) or b"", mimetype=JSON)

    def write(target: IO[bytes]) -> None:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in outputs:
                archive.writestr(name, jobs.store.file(job.id, OUTPUT, name) or b"")

    return _zip_response(write, "article.zip")


def _zip_response(write: Callable[[IO[bytes]], None], name: str) -> Response:
    """A zip built into a spooled file (memory up to SPOOL_BYTES, then disk), sent as an attachment."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - send_file closes it
    write(spool)
    spool.seek(0)
    return send_file(spool, mimetype=ZIP, as_attachment=True, download_name=name)


def _require_finished(job: JobRecord) -> None:
    if not job.finished:
        raise JobNotFinishedError(f"job {job.id} is {job.state}; its results are ready when it ends "
                                  f"(GET /v1/jobs/{job.id})")
