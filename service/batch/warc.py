"""WARC input (``.warc``, ``.warc.gz``, read with warcio): each HTML response record is one article."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from service.batch.errors import UnsafeArchiveError
from service.batch.inputs import RawArticle, ReadOptions, read_capped
from service.errors import BadInputError, BriefsError

HTML_TYPES = ("text/html", "application/xhtml+xml")


def uri_id(uri: str) -> str:
    """A readable article id from a target URI: host, path (``index`` for a folder) and query."""
    parts = urlsplit(uri)
    path = parts.path or "/"
    if path.endswith("/"):
        path += "index"
    ident = f"{parts.netloc or 'no-host'}{path}"
    return f"{ident}?{parts.query}" if parts.query else ident


class WarcSource:
    """Response (and resource) records whose content type is HTML; other records are ignored."""

    def __init__(self, path: Path, options: ReadOptions) -> None:
        self.path = path
        self.options = options

    def _records(self) -> Iterator[Any]:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        with self.path.open("rb") as fh:
            try:
                yield from ArchiveIterator(fh)
            except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
                raise BadInputError(f"{self.path.name} is not a readable WARC file: {exc}") from None

    def scan(self) -> int:
        limit = self.options.limits.max_members
        pages = 0
        for count, record in enumerate(self._records(), start=1):
            if count > limit:
                uri = record.rec_headers.get_header("WARC-Target-URI") or record.rec_type
                raise UnsafeArchiveError(f"the WARC file has more than {limit} records (batch.max_members)",
                                         member=uri)
            pages += _is_page(record)
        return pages

    def articles(self) -> Iterator[RawArticle]:
        for record in self._records():
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            if not _is_page(record):
                if record.rec_type in ("response", "resource"):
                    yield RawArticle(uri_id(uri), uri, kind="ignored")
                continue
            try:
                # content_stream undoes chunked and gzip transfer encodings.
                data = read_capped(record.content_stream(), self.options.limits.max_article_bytes, uri)
            except BriefsError as exc:
                yield RawArticle(uri_id(uri), uri, error=exc)
                continue
            yield RawArticle(uri_id(uri), uri, data, "html")


def _is_page(record: Any) -> bool:
    """An HTML page fetched successfully: a 2xx HTML response, or an HTML resource record."""
    if record.rec_type == "response":
        headers = record.http_headers
        if headers is None:
            return False
        status = headers.get_statuscode() or ""
        content_type = headers.get_header("Content-Type") or ""
        return status.startswith("2") and content_type.split(";")[0].strip().lower() in HTML_TYPES
    if record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
        return content_type.split(";")[0].strip().lower() in HTML_TYPES
    return False
