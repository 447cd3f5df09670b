"""A job's input, checked at submit: the batch command's readers and safety limits, the tenant's limits.

An archive is scanned exactly as ``python -m service batch`` scans it (``service.batch.sources``):
an unsafe archive, an unknown file type or one over the tenant's limits is refused before the job
exists, so refused work is never queued or charged. JSON bodies (``texts`` or ``articles``) become a
JSONL file the same readers take.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.batch.inputs import ARTICLE_SUFFIXES, ReadOptions
from service.batch.sources import open_input
from service.errors import BadInputError
from service.jobs.model import JobInputTooLargeError
from service.settings import JobsOptions, Settings

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".warc", ".warc.gz", ".jsonl",
                    ".json")
JSON_INPUT_NAME = "articles.jsonl"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_MAGIC = ((b"PK\x03\x04", ".zip"), (b"PK\x05\x06", ".zip"), (b"WARC/", ".warc"), (b"BZh", ".tar.bz2"),
          (b"\xfd7zXZ\x00", ".tar.xz"))


@dataclass(frozen=True)
class TenantLimits:
    """What one tenant may submit: queued or running jobs at once, input bytes, entries per job."""

    max_concurrent: int
    max_archive_bytes: int
    max_articles: int


def limits_for(jobs: JobsOptions, owner: str | None) -> TenantLimits:
    """The limits of the tenant ``owner``: ``jobs.tenant_limits[owner]`` over the service-wide ones."""
    own: Mapping[str, Any] = jobs.tenant_limits.get(owner or "", {}) if owner else {}
    return TenantLimits(int(own.get("max_concurrent", jobs.max_concurrent)),
                        int(own.get("max_archive_bytes", jobs.max_archive_bytes)),
                        int(own.get("max_articles", jobs.max_articles)))


def input_name(filename: str | None, head: bytes) -> str:
    """A safe file name whose suffix tells the batch readers what the upload is (by name, else content)."""
    base = _SAFE_NAME.sub("_", Path((filename or "").replace("\\", "/")).name).strip("._") or "input"
    if base.lower().endswith(ARCHIVE_SUFFIXES + ARTICLE_SUFFIXES):
        return base
    for magic, suffix in _MAGIC:
        if head.startswith(magic):
            return base + suffix
    if head.startswith(b"\x1f\x8b"):  # gzip: a compressed WARC or tar; WARC files start with a record
        import gzip
        import io

        try:
            inner = gzip.GzipFile(fileobj=io.BytesIO(head)).read(5)
        except (OSError, EOFError):
            inner = b""
        return base + (".warc.gz" if inner.startswith(b"WARC/") else ".tar.gz")
    if head.lstrip()[:1] in (b"{", b"["):
        return base + (".jsonl" if head.lstrip()[:1] == b"{" else ".json")
    raise BadInputError("cannot tell what the upload is: name it .zip, .tar(.gz), .jsonl, .json or .warc(.gz)")


def write_json_articles(path: Path, body: Mapping[str, Any], id_field: str, text_field: str) -> None:
    """``texts`` (strings) or ``articles`` (objects with an id and a text) as a JSONL file for the readers."""
    records: Sequence[Mapping[str, Any]]
    if "texts" in body:
        records = [{text_field: text} for text in body["texts"]]
    else:
        records = [{id_field: a["id"], text_field: a["text"]} if a.get("id") is not None else {text_field: a["text"]}
                   for a in body["articles"]]
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def check_input(path: Path, settings: Settings, limits: TenantLimits, *, text_field: str, id_field: str) -> int:
    """Scan the input as the batch command does (refusing unsafe archives) and check the tenant's limits;
    return its number of entries."""
    size = path.stat().st_size
    if size > limits.max_archive_bytes:
        raise JobInputTooLargeError(f"the input has {size} bytes; the limit is {limits.max_archive_bytes} "
                                    "(jobs.max_archive_bytes)")
    source = open_input(path, ReadOptions(settings.batch, text_field, id_field, None))
    total = source.scan()
    if total > limits.max_articles:
        raise JobInputTooLargeError(f"the input has {total} entries; the limit is {limits.max_articles} per job "
                                    "(jobs.max_articles)")
    if total == 0:
        raise BadInputError("the input holds no article")
    return total
