"""Fixtures of the jobs tests (tests/service/jobs/fixtures.py)."""
from tests.service.jobs.fixtures import gated, jobs_app_factory  # noqa: F401
