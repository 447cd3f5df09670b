"""Each API request runs under a budget: ``http.request_deadline_s`` and the worker's model slots.

The budget is opened before the view and closed after it (``service.runtime.request_budget`` holds the
mechanism the pipeline checks). Only the doors that translate or store get one; health, metrics
and docs do not.

Under overload a refusal must cost almost nothing: before the body is read, the key checked or
anything charged, a request to a door that needs the models is refused at once (503 overloaded,
``Retry-After``) when its tenant's expected wait for a model slot is already too long
(:func:`_refuse_when_overloaded`); a client that comes back before its Retry-After has that
refusal held until its time (:class:`RetryTimes`). Slots are shared fairly between tenants (an API
key's team or key, else the client address; :func:`fairness_identity`).
"""
from __future__ import annotations

import threading
import time

from flask import Flask, current_app, g, request
from flask_limiter.util import get_remote_address

from service.api.access import GUARDED_PREFIXES, current_key
from service.runtime.request_budget import (
    Deadline,
    ModelSlots,
    RequestBudget,
    close_budget,
    detach_budget,
    open_budget,
)
from service.settings import Settings

# The views that run the models (directly, or for a document upload): refused early under overload.
MODEL_ENDPOINTS = frozenset({"briefs.create_briefs", "translate.translate", "deepl.translate",
                             "deepl_documents.upload", "libretranslate.translate", "libretranslate.translate_file"})
_KNOWN_SCOPES_MAX = 10_000
_known_scopes: dict[str, str] = {}  # key id -> its tenant scope, learnt from verified keys (for early refusals)


def _scope_of(key_id: str, team: str | None) -> str:
    return f"team:{team}" if team else f"key:{key_id}"


def fairness_identity() -> str:
    """Whose turn a request takes: its key's tenant (a team, or the key), else the client's address.

    Before the key is verified (the early refusal) the key id in the Authorization header stands in,
    mapped to its team once this process has seen the key verified. Which requests are held for coming
    back early is decided by that and the client's address together (:func:`_early_identity`), so a
    forged id holds only the forger's own requests.
    """
    key = current_key()
    if key is not None:
        return _scope_of(key.id, key.team)
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    key_id = value.strip().split(".", 1)[0]
    if scheme and key_id:
        return _known_scopes.get(key_id, f"key:{key_id}")
    return f"addr:{get_remote_address()}"


def _deadline() -> Deadline | None:
    http = current_app.extensions["briefs"].settings.http
    return Deadline.after(http.request_deadline_s) if http.request_deadline_s > 0 else None


class RetryTimes:
    """When each client was told it may retry (Retry-After): a client back before that does not back off.

    Its next refusal is held until its time comes (at most ``http.max_queue_wait_s``, the wait any request
    may get), so a client that retries at once costs one refusal per Retry-After, not a busy loop of them
    eating the CPU that serves everyone; a client that honours Retry-After is never held.

    At most ``max_holding`` refusals are held at once in a process: past that a refusal is sent at once,
    so clients that never back off cannot keep the worker's threads asleep.
    """

    MAX_CLIENTS = 10_000

    def __init__(self, max_holding: int = 2) -> None:
        self._lock = threading.Lock()
        self._until: dict[str, float] = {}
        self._holding = threading.BoundedSemaphore(max(1, max_holding))

    def hold(self, seconds: float) -> bool:
        """Sleep ``seconds`` if a holding place is free (True), else at once False."""
        if seconds <= 0 or not self._holding.acquire(blocking=False):
            return False
        try:
            time.sleep(seconds)
        finally:
            self._holding.release()
        return True

    def hold_for(self, identity: str, retry_after_s: float, max_hold_s: float) -> float:
        """Record this refusal's Retry-After; how long to hold it (0 for a client that waited as told)."""
        now = time.monotonic()
        with self._lock:
            early = self._until.get(identity, 0.0) - now
            if len(self._until) >= self.MAX_CLIENTS:
                self._until.clear()
            held = min(max(0.0, early), max_hold_s)
            self._until[identity] = now + held + retry_after_s
        return held


def _refuse_when_overloaded() -> None:
    """Before anything else reads the request: 503 at once when the model slots are saturated for its tenant
    (held first for a client that came back before its Retry-After)."""
    slots: ModelSlots | None = current_app.extensions.get("briefs.model_slots")
    if slots is None or request.method != "POST" or request.endpoint not in MODEL_ENDPOINTS:
        return
    identity = fairness_identity()
    refusal = slots.refusal(identity, _deadline())
    if refusal is not None:
        retry_after = float(refusal.extra.get("retry_after") or 1)  # type: ignore[arg-type]
        retry_times: RetryTimes = current_app.extensions["briefs.retry_times"]
        retry_times.hold(retry_times.hold_for(_early_identity(identity), retry_after, slots.max_wait_s))
        raise refusal


def _early_identity(identity: str) -> str:
    """Who is held for coming back early: the unverified tenant and the client's address together."""
    return f"{identity}|{get_remote_address()}"


def _open() -> None:
    if not request.path.startswith(GUARDED_PREFIXES):
        return
    key = current_key()
    if key is not None:
        if len(_known_scopes) >= _KNOWN_SCOPES_MAX:
            _known_scopes.clear()
        _known_scopes[key.id] = _scope_of(key.id, key.team)
    http = current_app.extensions["briefs"].settings.http
    budget = RequestBudget(_deadline(), current_app.extensions.get("briefs.model_slots"), http.batch_max_size,
                           tenant=fairness_identity())
    g.budget_token = open_budget(budget)


def _close(_error: BaseException | None) -> None:
    token = g.pop("budget_token", None)
    if token is not None:
        close_budget(token)


def hand_over_budget() -> RequestBudget | None:
    """Take this request's budget out of the request's hands, its model slot still held: a streamed answer
    runs after the view returns, so it opens the budget again around the stream and closes it (giving
    the slot back) when the last event is sent, not when the view returns."""
    token = g.pop("budget_token", None)
    return detach_budget(token) if token is not None else None


def init_admission(app: Flask, settings: Settings) -> None:
    """One ModelSlots per app (so per worker process), and the early refusal: register before anything
    that reads the body (strict JSON, the key check)."""
    http = settings.http
    app.extensions["briefs.model_slots"] = ModelSlots(http.model_slots, http.max_queue_wait_s) if http.model_slots \
        else None
    # All but an eighth of a worker's threads (at least 2) may hold refusals; those stay free to serve
    # other clients and health checks (and to refuse at once).
    app.extensions["briefs.retry_times"] = RetryTimes(max_holding=http.threads - max(2, http.threads // 8))
    app.before_request(_refuse_when_overloaded)


def init_budget(app: Flask, settings: Settings) -> None:
    """A budget around every API request (after the key check, which names the tenant)."""
    app.before_request(_open)
    app.teardown_request(_close)
