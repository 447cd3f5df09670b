"""App, client and CLI runner fixtures on injected doubles (tests.fakes), plus problem+json checks."""
from __future__ import annotations

import pytest

from service.api.app import create_app, micro_batch_wrapper
from service.api.schemas import ProblemSchema
from service.resources import Resources
from tests.fakes import FakeModelManager, TaggingTranslator
from tests.helpers import make_settings

ARTICLE = (
    "Officials met in Tokyo on Monday. They discussed trade and security.\n\n"
    "The talks will continue next month. A joint statement is expected soon."
)


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


def assert_problem(response, status: int, code: str | None = None) -> dict:
    """The response is RFC 9457 problem+json with this status (and code)."""
    assert response.status_code == status, response.data
    assert response.mimetype == "application/problem+json"
    body = ProblemSchema().load(response.get_json(force=True))
    assert body["status"] == status
    assert body["type"] == f"/problems/{body['code']}"
    if code is not None:
        assert body["code"] == code
    return body
