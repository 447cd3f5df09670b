"""Errors of the batch command: refused archives, unreadable articles, a run with failures."""
from __future__ import annotations

from service.errors import BadInputError, BriefsError, ConflictError

# Exit code of a batch run that finished but could not build every article (beside 2 bad input
# and 3 missing model); the manifest names each failure and its reason.
EXIT_SOME_FAILED = 4


class UnsafeArchiveError(BadInputError):
    """An archive (or one of its members) that must not be read: the job stops before any article."""

    code, title = "unsafe-archive", "Archive refused"

    def __init__(self, detail: str, *, member: str | None = None) -> None:
        super().__init__(f"member {member!r}: {detail}" if member is not None else detail, member=member)
        self.member = member


class ArticleReadError(BadInputError):
    """One article cannot be read or has no text; only that article fails."""

    code, title = "unreadable-article", "Article cannot be read"


class BinaryContentError(ArticleReadError):
    code, title = "binary-content", "Article is not text"


class ArticleTooLargeError(ArticleReadError):
    status, code, title = 413, "article-too-large", "Article file too large"


class InvalidRecordError(ArticleReadError):
    code, title = "invalid-record", "Invalid JSON record"


class NoMainTextError(ArticleReadError):
    code, title = "no-main-text", "HTML page without main text"


class BatchBusyError(ConflictError):
    code, title = "batch-busy", "Output folder in use"


class SomeArticlesFailedError(BriefsError):
    """The run finished; some articles failed (see the manifest). Exit code 4."""

    status, code, title, exit_code = 422, "articles-failed", "Some articles failed", EXIT_SOME_FAILED


class BatchOutputError(BriefsError):
    """An output file cannot be written (disk full, permissions): the job stops; a rerun resumes."""

    code, title, exit_code = "output-write", "Cannot write the batch output", 1
