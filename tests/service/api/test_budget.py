"""Every API request runs under its budget: 503 + Retry-After past the deadline or when the worker is full."""
from __future__ import annotations

import pytest

from service.runtime import request_budget
from tests.fakes import LeadSummarizer
from tests.service.api.helpers import ARTICLE, assert_problem


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def monotonic(self) -> float:
        return self.now


def test_past_the_deadline_the_request_ends_with_503_and_retry_after(make_app, translator, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(request_budget, "time", clock)
    app = make_app(http={"request_deadline_s": 5})

    class SlowSummarizer(LeadSummarizer):
        def summarize(self, sentences, count):
            clock.now += 6
            return super().summarize(sentences, count)

    monkeypatch.setattr(app.extensions["briefs"].models, "_summarizer", SlowSummarizer())
    response = app.test_client().post("/v1/briefs", json={"text": ARTICLE})
    assert_problem(response, 503, "deadline-exceeded")
    assert int(response.headers["Retry-After"]) >= 1
    assert translator.calls == []


@pytest.mark.parametrize("rate_limit", ["", "100/minute"])
def test_a_full_worker_sheds_the_request_at_once_with_retry_after(make_app, translator, rate_limit):
    app = make_app(http={"model_slots": 1, "max_queue_wait_s": 2, "rate_limit": rate_limit})
    slots = app.extensions["briefs.model_slots"]
    slots.mean_hold_s = 20.0
    with slots.hold():  # another request is in the model stage
        response = app.test_client().post("/v1/translate", json={"segments": ["Hello there."]})
    assert_problem(response, 503, "overloaded")
    # The worker's own estimate, kept when the rate limiter (its window: 60 s) is on too.
    assert 2 <= int(response.headers["Retry-After"]) < 60
    assert translator.calls == []


def test_zero_slots_and_zero_deadline_mean_unbounded(make_app, translator):
    app = make_app(http={"model_slots": 0, "request_deadline_s": 0})
    assert app.extensions["briefs.model_slots"] is None
    assert app.test_client().post("/v1/translate", json={"segments": ["Hello there."]}).status_code == 200


def test_health_has_no_budget(make_app):
    app = make_app(http={"model_slots": 1})
    slots = app.extensions["briefs.model_slots"]
    slots.mean_hold_s = 20.0
    with slots.hold():
        assert app.test_client().get("/healthz").status_code == 200
