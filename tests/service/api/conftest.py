"""App, client and CLI runner fixtures on injected doubles (tests.fakes), plus problem+json checks."""
from __future__ import annotations

import pytest

from service.api.app import create_app, micro_batch_wrapper
from service.runtime.resources import Resources
from service.storage.keys import KeyStore
from tests.fakes import FakeModelManager, TaggingTranslator
from tests.helpers import make_settings
from tests.service.api.helpers import TEAM_KEYS


@pytest.fixture
def api_settings(tmp_path):
    return make_settings(tmp_path, http={"rate_limit": "1000/minute", "batch_max_wait_ms": 1})


@pytest.fixture
def translator():
    return TaggingTranslator()


@pytest.fixture
def resources(api_settings, translator):
    models = FakeModelManager(api_settings, translator=translator)
    return Resources(api_settings, models=models, translator_wrapper=micro_batch_wrapper(api_settings))


@pytest.fixture
def app(resources):
    app = create_app(resources.settings, resources=resources)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_app(tmp_path, translator):
    """Build an app on settings overrides (e.g. keys required) over the same doubles."""

    def build(**overrides):
        settings = make_settings(tmp_path, **overrides)
        models = FakeModelManager(settings, translator=translator)
        app = create_app(settings, resources=Resources(settings, models=models))
        app.config["TESTING"] = True
        return app

    return build


@pytest.fixture
def team_keyed(make_app):
    """Keys on; ``(app, client, headers)`` with headers per key of :data:`TEAM_KEYS`."""
    app = make_app(http={"api_keys_required": True, "rate_limit": "1000/minute"})
    store = KeyStore(app.extensions["briefs"].settings.database_url)
    headers = {}
    for label, kwargs in TEAM_KEYS.items():
        _, secret = store.create(label, **kwargs)
        headers[label] = {"Authorization": f"Bearer {secret}"}
    return app, app.test_client(), headers
