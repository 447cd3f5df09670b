"""Jobs over HTTP on injected doubles: an app whose worker threads run jobs, and polling helpers
(fixtures imported by the conftest of each test package that uses them)."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from service.api.app import create_app
from service.runtime.resources import Resources
from service.storage.keys import KeyStore
from tests.fakes import FakeModelManager, TaggingTranslator
from tests.helpers import make_settings
from tests.service.api.helpers import TEAM_KEYS

POLL_S = 30.0
FAST_JOBS = {"poll_s": 0.05, "heartbeat_s": 0.1, "lease_s": 2.0, "callback_backoff_s": 0.2,
             "callback_timeout_s": 5.0}


class GatedTranslator(TaggingTranslator):
    """A TaggingTranslator whose calls each wait for a permit (``release(n)``) while ``gated``."""

    def __init__(self) -> None:
        super().__init__()
        self.permits = threading.Semaphore(0)
        self.gated = False

    def release(self, n: int = 1) -> None:
        for _ in range(n):
            self.permits.release()

    def open(self) -> None:
        self.gated = False
        self.release(1000)

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        if self.gated and not self.permits.acquire(timeout=POLL_S):
            raise TimeoutError("the test never released this call")
        return super().translate_batch(texts, source_lang, target_lang)


@pytest.fixture
def gated() -> GatedTranslator:
    return GatedTranslator()


@pytest.fixture
def jobs_app_factory(tmp_path: Path, gated: GatedTranslator) -> Iterator[Any]:
    """``make(jobs={...}, http={...}, keys=False)`` -> (app, client, headers): worker threads started."""
    apps: list[Any] = []

    def make(*, jobs: dict[str, Any] | None = None, http: dict[str, Any] | None = None, keys: bool = False,
             batch: dict[str, Any] | None = None, threads: int = 1) -> tuple[Any, Any, dict[str, dict[str, str]]]:
        http_settings = {"rate_limit": "100000/minute", "batch_max_wait_ms": 1, **(http or {})}
        if keys:
            http_settings["api_keys_required"] = True
        settings = make_settings(tmp_path, http=http_settings, batch={"group_articles": 4, **(batch or {})},
                                 jobs={**FAST_JOBS, "worker_threads": threads, **(jobs or {})})
        resources = Resources(settings, models=FakeModelManager(settings, translator=gated))
        app = create_app(settings, resources=resources)
        app.config["TESTING"] = True
        headers: dict[str, dict[str, str]] = {}
        if keys:
            store = KeyStore(settings.database_url)
            for label, kwargs in TEAM_KEYS.items():
                _, secret = store.create(label, **kwargs)
                headers[label] = {"Authorization": f"Bearer {secret}"}
        app.extensions["briefs.jobs"].start_threads(resources)
        apps.append(app)
        return app, app.test_client(), headers

    yield make
    for app in apps:
        app.extensions["briefs.jobs"].stop_threads()


def wait_for(client: Any, job_id: str, states: Sequence[str] = ("done", "failed", "cancelled"), *,
             headers: dict[str, str] | None = None, until: Any = None, timeout: float = POLL_S) -> dict[str, Any]:
    """Poll ``GET /v1/jobs/{id}`` until its state is one of ``states`` (or ``until(body)``); the last body."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/v1/jobs/{job_id}", headers=headers or {})
        assert response.status_code == 200, response.data
        body = response.get_json()
        if (until(body) if until else body["state"] in states) or time.monotonic() > deadline:
            return body
        time.sleep(0.05)
