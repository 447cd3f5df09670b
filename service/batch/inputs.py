"""Batch input: raw articles, and the readers of folders, single files and JSON records.

A source is scanned first (:meth:`InputSource.scan` checks archive limits and counts entries, so
an unsafe archive is refused before anything is written), then read as a stream of
:class:`RawArticle`. Files are read with a size cap; archive members are read in memory.
:func:`service.batch.sources.open_input` picks the source for INPUT.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from service.batch.errors import ArticleReadError, ArticleTooLargeError, InvalidRecordError
from service.errors import BriefsError
from service.pipeline import decode_text
from service.settings import BatchOptions

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
RECORD_SUFFIXES = (".json", ".jsonl")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + RECORD_SUFFIXES


@dataclass(frozen=True)
class RawArticle:
    """One entry as read: raw bytes (the sha256 covers them) and how to get its text.

    ``kind``: "text" (UTF-8 bytes), "html" (main text still to extract), "record" (``text``
    already taken from a JSON field), "not-article" (a file of another type: listed as skipped),
    "ignored" (a WARC record that is no HTML page: only counted).
    """

    id: str
    source: str
    data: bytes = b""
    kind: str = "text"
    text: str | None = None
    error: BriefsError | None = None


@dataclass(frozen=True)
class ReadOptions:
    """How to read INPUT: JSON field names, limits, and the folder outputs go to (never read)."""

    limits: BatchOptions = field(default_factory=BatchOptions)
    text_field: str = "text"
    id_field: str = "id"
    output_dir: Path | None = None


class InputSource(Protocol):
    """A batch input: ``scan`` validates and counts, ``articles`` streams the entries."""

    def scan(self) -> int:
        """Check limits (refusing unsafe archives) and return the number of entries, roughly."""
        ...

    def articles(self) -> Iterator[RawArticle]:
        """Every entry, in a stable order."""
        ...


def expand(rel: str, source: str, stream: IO[bytes], options: ReadOptions) -> Iterator[RawArticle]:
    """The articles of one file (or archive member) named ``rel``: one, or one per JSON record."""
    suffix = os.path.splitext(rel)[1].lower()
    if suffix == ".jsonl":
        yield from _jsonl_records(rel, source, stream, options)
        return
    if suffix not in ARTICLE_SUFFIXES:
        yield RawArticle(rel, source, kind="not-article")
        return
    try:
        data = read_capped(stream, options.limits.max_article_bytes, rel)
    except ArticleReadError as exc:
        yield RawArticle(rel, source, error=exc)
        return
    if suffix == ".json":
        yield from _json_records(rel, source, data, options)
    else:
        yield RawArticle(rel, source, data, "html" if suffix in HTML_SUFFIXES else "text")


def read_capped(stream: IO[bytes], limit: int, name: str) -> bytes:
    """All of ``stream``, or ArticleTooLargeError past ``limit`` bytes (never reads more than limit+1)."""
    try:
        data = stream.read(limit + 1)
    except (OSError, EOFError, ValueError) as exc:  # damaged member, bad CRC, truncated archive
        raise ArticleReadError(f"{name} cannot be read: {type(exc).__name__}") from None
    if len(data) > limit:
        raise ArticleTooLargeError(f"{name} is over {limit} bytes (batch.max_article_bytes)")
    return data


def _jsonl_records(rel: str, source: str, stream: IO[bytes], options: ReadOptions) -> Iterator[RawArticle]:
    limit = options.limits.max_article_bytes
    number = 0
    while True:
        line = stream.readline(limit + 2)
        if not line:
            return
        number += 1
        if len(line) > limit + 1:  # over the limit even without its newline
            if not line.endswith(b"\n"):
                _skip_rest_of_line(stream, limit)
            yield RawArticle(f"{rel}/line-{number}", f"{source}:{number}", error=ArticleTooLargeError(
                f"line {number} is over {limit} bytes (batch.max_article_bytes)"))
            continue
        if line.strip():
            yield _record(rel, f"{source}:{number}", line.rstrip(b"\r\n"), f"line-{number}", options)


def _skip_rest_of_line(stream: IO[bytes], limit: int) -> None:
    while True:
        chunk = stream.readline(limit)
        if not chunk or chunk.endswith(b"\n"):
            return


def _json_records(rel: str, source: str, data: bytes, options: ReadOptions) -> Iterator[RawArticle]:
    try:
        value = json.loads(decode_text(data, origin=rel))
    except BriefsError as exc:
        yield RawArticle(rel, source, data, error=exc)
        return
    except ValueError as exc:
        yield RawArticle(rel, source, data, error=InvalidRecordError(f"{rel} is not valid JSON: {exc}"))
        return
    if isinstance(value, list):
        for n, item in enumerate(value, 1):
            item_data = json.dumps(item, ensure_ascii=False, sort_keys=True).encode()
            yield _parsed_record(rel, f"{source}:{n}", item_data, item, f"item-{n}", options)
    else:
        yield _parsed_record(rel, source, data, value, None, options)


def _record(rel: str, source: str, data: bytes, fallback_id: str, options: ReadOptions) -> RawArticle:
    try:
        value = json.loads(decode_text(data, origin=source))
    except BriefsError as exc:
        return RawArticle(f"{rel}/{fallback_id}", source, data, error=exc)
    except ValueError as exc:
        return RawArticle(f"{rel}/{fallback_id}", source, data,
                          error=InvalidRecordError(f"{source} is not valid JSON: {exc.msg} (column {exc.pos + 1})"
                                                   if isinstance(exc, json.JSONDecodeError) else str(exc)))
    return _parsed_record(rel, source, data, value, fallback_id, options)


def _parsed_record(rel: str, source: str, data: bytes, value: object, fallback_id: str | None,
                   options: ReadOptions) -> RawArticle:
    """A JSON object's article; ``fallback_id`` None means the file itself is the article."""
    record_id = value.get(options.id_field) if isinstance(value, dict) else None
    if fallback_id is None:
        article_id = rel
    else:
        ident = str(record_id).strip() if isinstance(record_id, (str, int)) else ""
        article_id = f"{rel}/{ident or fallback_id}"
    if not isinstance(value, dict):
        return RawArticle(article_id, source, data, error=InvalidRecordError(
            f"{source}: expected a JSON object with a {options.text_field!r} field"))
    text = value.get(options.text_field)
    if not isinstance(text, str):
        return RawArticle(article_id, source, data, error=InvalidRecordError(
            f"{source}: field {options.text_field!r} is missing or not a string (--text-field)"))
    return RawArticle(article_id, source, data, "record", text=text)


class FileSource:
    """One article file (or one .json/.jsonl file of records)."""

    def __init__(self, path: Path, options: ReadOptions) -> None:
        self.path = path
        self.options = options

    def scan(self) -> int:
        if self.path.name.lower().endswith(".jsonl"):
            with self.path.open("rb") as fh:
                return sum(1 for line in fh if line.strip())
        return 1

    def articles(self) -> Iterator[RawArticle]:
        with self.path.open("rb") as fh:
            yield from expand(self.path.name, str(self.path), fh, self.options)


class FolderSource:
    """Every file under a folder, recursively, in sorted order; hidden entries and DIR left out."""

    def __init__(self, root: Path, options: ReadOptions) -> None:
        self.root = root
        self.options = options

    def _files(self) -> Iterator[tuple[str, Path]]:
        root = self.root.resolve()
        skip = self.options.output_dir.resolve() if self.options.output_dir else None
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and (here / d) != skip)
            for name in sorted(f for f in filenames if not f.startswith(".")):
                path = here / name
                yield path.relative_to(root).as_posix(), path

    def scan(self) -> int:
        return sum(1 for _ in self._files())

    def articles(self) -> Iterator[RawArticle]:
        root = self.root.resolve()
        for rel, path in self._files():
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                yield RawArticle(rel, str(path), error=ArticleReadError(
                    f"{rel} is a symbolic link leaving the input folder; not followed"))
                continue
            try:
                with path.open("rb") as fh:
                    yield from expand(rel, str(path), fh, self.options)
            except OSError as exc:
                yield RawArticle(rel, str(path), error=ArticleReadError(
                    f"{rel} cannot be read: {exc.strerror or type(exc).__name__}"))
