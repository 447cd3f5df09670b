"""``manifest.jsonl``: one line per article, appended and fsynced as each article finishes.

A run first reads the manifest (a torn last line from a crash is dropped), keeps the last line of
each article and rewrites the file atomically, so there is exactly one line per article; it does
the same when it ends (a rerun with ``--force`` appends a second line for an article before that).
An article whose ``ok`` line matches its input sha256 and options, and whose outputs exist, is
done: a rerun skips it.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from service.batch.errors import BatchBusyError
from service.fileio import fsync_dir

MANIFEST_NAME = "manifest.jsonl"
LOCK_NAME = ".batch.lock"
OK, FAILED, SKIPPED = "ok", "failed", "skipped"


def options_key(options: dict[str, Any]) -> str:
    """A short fingerprint of everything that shapes an article's outputs (targets, size, glossaries...)."""
    canonical = json.dumps(options, sort_keys=True, ensure_ascii=False, default=list)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def write_lines_atomically(path: Path, records: Iterable[dict[str, Any]]) -> None:
    """Replace ``path`` with one JSON line per record: temp file, fsync, rename, fsync the folder."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as fh:
        for record in records:
            fh.write(_line(record))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def _line(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


class Manifest:
    """The job's manifest: the last record of each article, and an append-only, fsynced log."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records: dict[str, dict[str, Any]] = {}
        self._fh: IO[bytes] | None = None

    def open(self) -> Manifest:
        """Load what an earlier run recorded, compact it, and open it for appending."""
        self.records = read_manifest(self.path)
        write_lines_atomically(self.path, self.records.values())
        self._fh = self.path.open("ab")
        return self

    def is_done(self, article_id: str, sha256: str, options: str, root: Path) -> bool:
        """True when an earlier run built this very input with these options and its outputs exist."""
        record = self.records.get(article_id)
        return bool(
            record and record.get("status") == OK and record.get("sha256") == sha256
            and record.get("options") == options
            and all((root / p).is_file() for p in record.get("outputs") or ())
        )

    def append(self, record: dict[str, Any]) -> None:
        """Add one article's line; on disk (fsynced) before this returns."""
        if self._fh is None:
            raise RuntimeError("the manifest is not open")
        self._fh.write(_line(record))
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self.records.pop(record["id"], None)  # keep the file's order: the newest line last
        self.records[record["id"]] = record

    def close(self) -> None:
        """Close the log and rewrite it with one line per article."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
            write_lines_atomically(self.path, self.records.values())


def read_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """The last record of each article id; unreadable lines (a torn write) are dropped."""
    records: dict[str, dict[str, Any]] = {}
    if not path.is_file():
        return records
    for raw in path.read_bytes().split(b"\n"):
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            records.pop(record["id"], None)
            records[record["id"]] = record
    return records


class JobLock:
    """An exclusive lock on the output folder: two jobs never write one manifest."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / LOCK_NAME
        self._fh: IO[str] | None = None

    def __enter__(self) -> JobLock:
        self._fh = self.path.open("a")
        try:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._fh.close()
            self._fh = None
            raise BatchBusyError(f"another batch job is writing to {self.path.parent}; "
                                 "wait for it or choose another --out") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
