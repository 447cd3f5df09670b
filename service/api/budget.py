"""Each API request runs under a budget: ``http.request_deadline_s`` and the worker's model slots.

The budget is opened before the view and closed after it (``service.runtime.request_budget`` holds the
mechanism the pipeline checks). Only the doors that translate or store get one; health, metrics
and docs do not.
"""
from __future__ import annotations

from flask import Flask, current_app, g, request

from service.api.access import GUARDED_PREFIXES
from service.runtime.request_budget import (
    Deadline,
    ModelSlots,
    RequestBudget,
    close_budget,
    detach_budget,
    open_budget,
)
from service.settings import Settings


def _open() -> None:
    if not request.path.startswith(GUARDED_PREFIXES):
        return
    http = current_app.extensions["briefs"].settings.http
    deadline = Deadline.after(http.request_deadline_s) if http.request_deadline_s > 0 else None
    budget = RequestBudget(deadline, current_app.extensions.get("briefs.model_slots"), http.batch_max_size)
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


def init_budget(app: Flask, settings: Settings) -> None:
    """One ModelSlots per app (so per worker process); a budget around every API request."""
    http = settings.http
    slots = ModelSlots(http.model_slots, http.max_queue_wait_s) if http.model_slots else None
    app.extensions["briefs.model_slots"] = slots
    app.before_request(_open)
    app.teardown_request(_close)
