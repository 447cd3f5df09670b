"""Job callbacks: a loopback receiver gets a correctly signed call, a 500 is retried with backoff (every attempt in
the job's status), and a callback_url outside jobs.callback_hosts is refused at submit."""
from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from service.jobs.webhooks import (
    SIGNATURE_HEADER,
    CallbackRefusedError,
    check_callback_url,
    retry_delay,
    sign,
    verify_signature,
)
from tests.service.api.helpers import assert_problem
from tests.service.jobs.fixtures import wait_for

SECRET = "whsec_test-secret-of-the-desk"
BODY = {"texts": ["Ferries resumed on Monday after the storm. The port reopened."], "target_langs": ["ja"]}


@dataclass
class Receiver:
    """A loopback HTTP server that answers ``statuses`` in turn (then 200) and keeps each call."""

    statuses: list[int]
    calls: list[tuple[float, dict[str, str], bytes]] = field(default_factory=list)
    server: http.server.ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.server_address[1]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box = Receiver(statuses=[500])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            box.calls.append((time.monotonic(), dict(self.headers.items()), body))
            self.send_response(box.statuses.pop(0) if box.statuses else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    box.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=box.server.serve_forever, daemon=True)
    thread.start()
    yield box
    box.server.shutdown()
    box.server.server_close()


def test_the_receiver_gets_a_signed_call_and_the_retry_after_a_500(jobs_app_factory, receiver):
    _, client, _ = jobs_app_factory(jobs={"callback_hosts": [f"127.0.0.1:{receiver.port}"]})
    url = f"http://127.0.0.1:{receiver.port}/hook"
    job = client.post("/v1/jobs", json={**BODY, "callback_url": url, "callback_secret": SECRET}).get_json()
    assert "callback_secret" not in job  # the client chose it: never echoed
    status = wait_for(client, job["id"], until=lambda b: (b["callback"] or {}).get("state") in ("delivered", "failed"))
    assert status["callback"]["state"] == "delivered"
    attempts = status["callback"]["attempts"]
    assert [(a["attempt"], a["status"]) for a in attempts] == [(1, 500), (2, 200)]
    assert attempts[0]["error"] == "HTTP 500"
    assert attempts[1]["error"] is None
    assert len(receiver.calls) == 2
    (first_at, _, _), (second_at, headers, body) = receiver.calls
    assert second_at - first_at >= 0.15  # jobs.callback_backoff_s = 0.2, less the clock's grain
    assert verify_signature(SECRET, headers[SIGNATURE_HEADER], body)
    assert not verify_signature("whsec_another-secret-entirely", headers[SIGNATURE_HEADER], body)
    assert not verify_signature(SECRET, headers[SIGNATURE_HEADER], body + b" ")
    payload = json.loads(body)
    assert payload["event"] == "job.done"
    assert headers["Briefs-Event"] == "job.done"
    assert payload["job"]["id"] == job["id"]
    assert payload["job"]["state"] == "done"
    assert "callback_secret" not in json.dumps(payload)


def test_a_made_secret_is_shown_once_and_signs_the_call(jobs_app_factory, receiver):
    receiver.statuses.clear()
    _, client, _ = jobs_app_factory(jobs={"callback_hosts": [f"127.0.0.1:{receiver.port}"]})
    job = client.post("/v1/jobs", json={**BODY, "callback_url": f"http://127.0.0.1:{receiver.port}/"}).get_json()
    secret = job["callback_secret"]
    assert secret.startswith("whsec_")
    wait_for(client, job["id"], until=lambda b: (b["callback"] or {}).get("state") == "delivered")
    assert "callback_secret" not in client.get(f"/v1/jobs/{job['id']}").get_json()
    _, headers, body = receiver.calls[0]
    assert verify_signature(secret, headers[SIGNATURE_HEADER], body)


def test_a_receiver_that_keeps_failing_gets_every_attempt_then_the_callback_fails(jobs_app_factory, receiver):
    receiver.statuses[:] = [503] * 10
    _, client, _ = jobs_app_factory(jobs={"callback_hosts": [f"127.0.0.1:{receiver.port}"], "callback_attempts": 3,
                                          "callback_backoff_s": 0.05})
    job = client.post("/v1/jobs", json={**BODY, "callback_url": f"http://127.0.0.1:{receiver.port}/"}).get_json()
    status = wait_for(client, job["id"], until=lambda b: (b["callback"] or {}).get("state") == "failed")
    assert [a["status"] for a in status["callback"]["attempts"]] == [503, 503, 503]
    assert len(receiver.calls) == 3


@pytest.mark.parametrize("url", [
    "http://127.0.0.2:9000/hook",  # another address
    "http://127.0.0.1:9001/hook",  # another port
    "http://localhost:9000/hook",  # a name the operator did not list
    "ftp://127.0.0.1:9000/hook",
    "http://user:pw@127.0.0.1:9000/hook",
    "not a url",
])
def test_a_callback_outside_the_allowed_hosts_is_refused_at_submit(jobs_app_factory, url):
    _, client, _ = jobs_app_factory(threads=0, jobs={"callback_hosts": ["127.0.0.1:9000"]})
    assert_problem(client.post("/v1/jobs", json={**BODY, "callback_url": url}), 422, "callback-refused")
    assert client.get("/v1/jobs").get_json()["jobs"] == []


def test_without_allowed_hosts_no_callback_is_accepted(jobs_app_factory):
    _, client, _ = jobs_app_factory(threads=0)
    problem = assert_problem(client.post("/v1/jobs", json={**BODY, "callback_url": "http://127.0.0.1:9/"}), 422,
                             "callback-refused")
    assert "jobs.callback_hosts" in problem["detail"]


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://hooks.example.com/briefs", ["hooks.example.com"]),
    ("https://HOOKS.example.com./x", ["hooks.example.com:443"]),
    ("http://127.0.0.1:8080/", ["[::1]:8080", "127.0.0.1:8080"]),
    ("http://[::1]:8080/", ["[::1]:8080"]),
])
def test_allowed_hosts_match_host_and_port(url, allowed):
    assert check_callback_url(url, allowed) == url


@pytest.mark.parametrize(("url", "allowed"), [
    ("http://hooks.example.com/", ["hooks.example.com:443"]),
    ("https://evil.example.com/", ["hooks.example.com"]),
    ("https://hooks.example.com.evil.org/", ["hooks.example.com"]),
])
def test_other_hosts_and_ports_are_refused(url, allowed):
    with pytest.raises(CallbackRefusedError):
        check_callback_url(url, allowed)


def test_a_signature_names_its_timestamp_and_expires():
    body = b'{"event": "job.done"}'
    header = sign(SECRET, body, 1_700_000_000)
    assert header.startswith("t=1700000000,v1=")
    assert verify_signature(SECRET, header, body, now=1_700_000_100)
    assert not verify_signature(SECRET, header, body, now=1_700_000_000 + 301)  # a replay
    assert not verify_signature(SECRET, "v1=" + header.rpartition("v1=")[2], body, now=1_700_000_000)


def test_retries_back_off_doubling():
    assert [retry_delay(n, 2.0) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 16.0]
