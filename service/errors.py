"""Typed domain errors.

Each carries an HTTP status, a stable machine code and a CLI exit code, so the
HTTP layer can map it to problem+json and the CLI to a one-line message.
"""
from __future__ import annotations


class BriefsError(Exception):
    """Base of every error the service expects and reports to its users."""

    status: int = 500
    code: str = "internal-error"
    title: str = "Internal error"
    exit_code: int = 1

    def __init__(self, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class BadInputError(BriefsError):
    status, code, title, exit_code = 422, "bad-input", "Bad input", 2


class EmptyTextError(BadInputError):
    code, title = "empty-text", "Empty text"


class TextEncodingError(BadInputError):
    code, title = "bad-encoding", "Text is not valid UTF-8"


class TextTooLongError(BadInputError):
    status, code, title = 413, "text-too-long", "Text too long"


class UnknownLanguageError(BadInputError):
    code, title = "unknown-language", "Unknown language code"


class UnsupportedPairError(BadInputError):
    code, title = "unsupported-pair", "No model for this language pair"


class NotFoundError(BriefsError):
    status, code, title, exit_code = 404, "not-found", "Not found", 2


class ConflictError(BriefsError):
    status, code, title, exit_code = 409, "conflict", "Conflict", 2


class GlossaryNotFoundError(NotFoundError):
    code, title = "glossary-not-found", "Glossary not found"


class GlossaryFormatError(BadInputError):
    """A glossary file or payload is malformed; `line` names where (1-based)."""

    code, title = "glossary-format", "Malformed glossary"

    def __init__(self, detail: str, *, line: int | None = None, file: str | None = None) -> None:
        where = ", ".join(p for p in (file and f"file {file}", line and f"line {line}") if p)
        super().__init__(f"{where}: {detail}" if where else detail, line=line, file=file)
        self.line = line
        self.file = file


class ModelMissingError(BriefsError):
    """A required model is not installed; the detail says which and how to get it."""

    status, code, title, exit_code = 503, "model-missing", "Model not available", 3


class ModelCorruptError(ModelMissingError):
    code, title = "model-corrupt", "Model files are corrupt or incomplete"


class DependencyMissingError(BriefsError):
    """An optional dependency is not installed; the detail says how to install it."""

    status, code, title, exit_code = 503, "dependency-missing", "Optional dependency missing", 3


class AuthError(BriefsError):
    status, code, title, exit_code = 401, "unauthorized", "API key required", 2


class ForbiddenError(BriefsError):
    status, code, title, exit_code = 403, "forbidden", "API key revoked or not allowed", 2


class QuotaExceededError(BriefsError):
    status, code, title, exit_code = 429, "quota-exceeded", "Quota exceeded", 2


class StoreUnavailableError(BriefsError):
    """The store database (or Redis) cannot be reached: 503; the service recovers when it returns."""

    status, code, title, exit_code = 503, "store-unavailable", "Store unavailable", 3


class DeadlineExceededError(BriefsError):
    """The request ran past ``http.request_deadline_s``; its remaining work was not done."""

    status, code, title, exit_code = 503, "deadline-exceeded", "Request took too long", 4


class OverloadedError(BriefsError):
    """Every model slot of this worker is busy and the expected wait is too long; retry later."""

    status, code, title, exit_code = 503, "overloaded", "Service busy", 4


class KeyInUrlError(BriefsError):
    """An API key in the query string: URLs end up in logs, proxies and browser history."""

    status, code, title, exit_code = 400, "key-in-url", "API key in the URL", 2


class JobCancelledError(BriefsError):
    """A background job was cancelled while it ran: the article in progress ends, the rest are not run."""

    status, code, title, exit_code = 409, "job-cancelled", "Job cancelled", 1
