"""Overload: refusals cost almost nothing and capacity is shared fairly (issue 25 finding 11).

A request to a model door is refused before its body is read or its key checked when its tenant's
wait is already too long; a client that comes back before its Retry-After has its refusal held;
a freed model slot goes to the tenant holding the fewest. The useful throughput under clients that
do and don't back off is measured by ``scripts/load.py`` (docs/RELIABILITY.md), not here.
"""
from __future__ import annotations

import threading
import time

import pytest

from service.api.budget import RetryTimes
from service.runtime.request_budget import ModelSlots
from tests.service.api.helpers import assert_problem


@pytest.mark.parametrize("path", ["/v1/briefs", "/v1/translate", "/v2/translate", "/translate"])
def test_an_overloaded_worker_refuses_before_reading_the_body_or_the_key(make_app, path):
    app = make_app(http={"model_slots": 1, "max_queue_wait_s": 0, "api_keys_required": True,
                         "rate_limit": "1000/minute"})
    client = app.test_client()
    slots = app.extensions["briefs.model_slots"]
    slots.mean_hold_s = 1.0  # a loaded worker: requests have been holding a slot for a second
    with slots.hold():
        # A malformed body and no key: answered 503 all the same, so neither was looked at.
        response = client.post(path, data=b'{"not json', content_type="application/json")
    assert response.status_code == 503, response.data
    assert int(response.headers["Retry-After"]) >= 1
    if path.startswith("/v1/"):
        assert_problem(response, 503, "overloaded")
    unloaded = client.post(path, data=b'{"not json', content_type="application/json")
    assert unloaded.status_code in (400, 401)  # with a free slot the body and the key are checked


def test_a_freed_slot_goes_to_the_tenant_holding_the_fewest():
    slots = ModelSlots(1, max_wait_s=30)
    slots.mean_hold_s = 0.1
    order: list[str] = []
    release = threading.Event()

    def hold(tenant: str, started: threading.Event | None = None) -> None:
        with slots.hold(tenant=tenant):
            if started is not None:
                started.set()
                release.wait(10)
            order.append(tenant)

    first = threading.Event()
    threads = [threading.Thread(target=hold, args=("flood", first))]
    threads[0].start()
    assert first.wait(10)
    for tenant in ("flood", "flood", "flood", "quiet"):  # the quiet tenant arrives last
        threads.append(threading.Thread(target=hold, args=(tenant,)))
        threads[-1].start()
        time.sleep(0.05)
    assert slots.waiting == 4
    assert slots.expected_wait("quiet") < slots.expected_wait("flood")
    release.set()
    for thread in threads:
        thread.join(10)
    assert order[:2] == ["flood", "quiet"], order  # the quiet tenant goes before the flood's queue


def test_only_a_client_back_before_its_retry_after_is_held():
    times = RetryTimes()
    assert times.hold_for("polite", retry_after_s=2, max_hold_s=10) == 0
    assert times.hold_for("eager", retry_after_s=2, max_hold_s=10) == 0
    held = times.hold_for("eager", retry_after_s=2, max_hold_s=10)  # back at once
    assert 1.5 < held <= 2
    assert times.hold_for("eager2", retry_after_s=30, max_hold_s=0.5) == 0
    assert times.hold_for("eager2", retry_after_s=30, max_hold_s=0.5) == 0.5  # never past max_queue_wait_s


def test_only_so_many_refusals_are_held_at_once():
    """Clients that never back off cannot keep every thread of a worker asleep: past ``max_holding``
    held refusals, a refusal goes out at once."""
    times = RetryTimes(max_holding=1)
    holder = threading.Thread(target=times.hold, args=(2.0,))
    holder.start()
    for _ in range(500):  # until the holder is asleep in the one place (bounded)
        if times._holding._value == 0:
            break
        time.sleep(0.01)
    assert times.hold(0.5) is False  # no place free: not held
    holder.join(5)
    assert times.hold(0.01) is True  # the place is free again


@pytest.mark.parametrize(("header", "address", "held"), [
    ("Bearer victim.forged-secret", "10.0.0.9", False),  # the victim's key id sent from elsewhere
    ("Bearer victim.real-secret", "10.0.0.1", True),  # the victim itself, back early
], ids=["forged-elsewhere", "same-client"])
def test_a_forged_key_id_does_not_hold_its_owner(header, address, held):
    from flask import Flask

    from service.api.budget import _early_identity, fairness_identity

    app, times = Flask(__name__), RetryTimes()
    with app.test_request_context(headers={"Authorization": "Bearer victim.real-secret"},
                                  environ_base={"REMOTE_ADDR": "10.0.0.1"}):
        times.hold_for(_early_identity(fairness_identity()), retry_after_s=5, max_hold_s=10)
    with app.test_request_context(headers={"Authorization": header}, environ_base={"REMOTE_ADDR": address}):
        assert (times.hold_for(_early_identity(fairness_identity()), retry_after_s=5, max_hold_s=10) > 0) is held
