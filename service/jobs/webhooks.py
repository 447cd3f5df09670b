"""Job callbacks: signed POSTs to a ``callback_url`` on an operator-allowed host, retried with backoff.

The signature follows the pattern Stripe and GitHub use: the header
``Briefs-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>``; the receiver
recomputes it with the job's callback secret over the raw body, compares in constant time and
refuses a timestamp older than a few minutes (a replay). :func:`verify_signature` does exactly
that. Only hosts listed in ``jobs.callback_hosts`` are ever called (checked at submit and again
before each attempt); redirects are not followed, so no request reaches another address.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from service.errors import BadInputError
from service.jobs.model import Delivery

SIGNATURE_HEADER = "Briefs-Signature"
EVENT_HEADER = "Briefs-Event"
DELIVERY_HEADER = "Briefs-Delivery"
DEFAULT_TOLERANCE_S = 300
SECRET_PREFIX = "whsec_"


class CallbackRefusedError(BadInputError):
    """A callback_url the operator did not allow (or not an http(s) URL)."""

    code, title = "callback-refused", "Callback URL not allowed"


def new_secret() -> str:
    """A fresh callback secret (shown to the submitter once)."""
    return SECRET_PREFIX + secrets.token_urlsafe(24)


def check_callback_url(url: str, allowed_hosts: Sequence[str]) -> str:
    """``url`` if it is http(s) on an allowed host (``host`` or ``host:port`` entries); else 422."""
    if not allowed_hosts:
        raise CallbackRefusedError("this service calls no callback URLs (jobs.callback_hosts is empty); "
                                   "poll GET /v1/jobs/{id} instead")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise CallbackRefusedError("callback_url is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CallbackRefusedError("callback_url must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise CallbackRefusedError("callback_url must not carry credentials; the signature authenticates calls")
    host = parts.hostname.lower().rstrip(".")
    port = port or (443 if parts.scheme == "https" else 80)
    for entry in allowed_hosts:
        allowed = urlsplit("//" + entry.strip())  # "host", "host:port", "[::1]:8080"
        if host == (allowed.hostname or "").rstrip(".") and allowed.port in (None, port):
            return url
    raise CallbackRefusedError(f"callback_url host {host}:{port} is not among the hosts this service may call "
                               "(jobs.callback_hosts)")


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(secret: str, header: str, body: bytes, *, tolerance_s: float = DEFAULT_TOLERANCE_S,
                     now: float | None = None) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` and its timestamp is within ``tolerance_s``."""
    fields: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields["t"][0])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance_s:
        return False
    expected = sign(secret, body, timestamp).rpartition("v1=")[2]
    return any(hmac.compare_digest(expected, candidate) for candidate in fields.get("v1", ()))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could point anywhere: it is reported as the attempt's answer, never followed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


@dataclass(frozen=True)
class Call:
    """One callback to make: where, with which secret, what."""

    url: str
    secret: str
    event: str
    body: bytes
    attempt: int


def deliver(call: Call, *, timeout_s: float, allowed_hosts: Sequence[str]) -> Delivery:
    """POST the signed body once; the attempt's outcome (2xx: delivered)."""
    started, start = time.time(), time.perf_counter()
    status: int | None = None
    error: str | None = None
    try:
        check_callback_url(call.url, allowed_hosts)
        request = urllib.request.Request(call.url, data=call.body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": "briefs-jobs/1",
            SIGNATURE_HEADER: sign(call.secret, call.body, int(started)), EVENT_HEADER: call.event,
            DELIVERY_HEADER: f"{call.attempt}"})
        with _OPENER.open(request, timeout=timeout_s) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
        exc.close()
    except CallbackRefusedError as exc:
        error = exc.detail
    except (OSError, ValueError) as exc:  # refused, reset, timed out, unresolvable
        error = f"no answer: {type(exc).__name__}: {getattr(exc, 'reason', '') or exc}"[:300]
    if status is not None and not 200 <= status < 300:
        error = f"HTTP {status}"
    return Delivery(attempt=call.attempt, at=started, event=call.event, status=status, error=error,
                    duration_ms=round((time.perf_counter() - start) * 1000, 1))


def retry_delay(attempt: int, backoff_s: float) -> float:
    """Seconds before attempt ``attempt + 1``: ``backoff_s``, doubled after each failure."""
    return backoff_s * (2 ** max(0, attempt - 1))
