"""Shared fixtures: settings on temporary paths, tiny models built once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

from service.settings import Settings
from tests.helpers import OWN_ARTICLES, SEED_ARTICLE, make_settings, read_article


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture(scope="session")
def tiny_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Random-weight models of every supported architecture, built once per test session."""
    from models.tiny import build_tiny_models

    root = tmp_path_factory.mktemp("tiny-models")
    build_tiny_models(root)
    return root


@pytest.fixture
def tiny_settings(tiny_models_dir: Path, tmp_path: Path) -> Settings:
    """Settings that run the whole pipeline on the tiny models."""
    return make_settings(tmp_path, models_dir=str(tiny_models_dir))


SEED_SKIP_REASON = "seed-specific: ../shared/examples/seed_article.txt not found"


@pytest.fixture(scope="session")
def seed_article() -> str:
    """The reference article in ../shared; only checks specific to its text use it."""
    if not SEED_ARTICLE.is_file():
        pytest.skip(SEED_SKIP_REASON)
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session", params=[p.stem for p in OWN_ARTICLES] + ["seed_article"])
def news_article(request: pytest.FixtureRequest) -> str:
    """Each realistic news article the repo owns (so a fresh clone runs every generic check), then the seed."""
    if request.param == "seed_article":
        return request.getfixturevalue("seed_article")
    return read_article(next(p for p in OWN_ARTICLES if p.stem == request.param))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many tests skipped and why, so a skip is never silent."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        terminalreporter.write_line("skipped: none")
        return
    reasons: dict[str, int] = {}
    for report in skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(f"skipped: {count} ({reason})")


# PostgreSQL and Redis on loopback for the store and scale-out tests (tests/servers.py).
from tests.servers import postgres_server, postgres_url, redis_server, store_url  # noqa: E402,F401


@pytest.fixture(scope="session")
def tiny_ner_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny spaCy NER pipeline (real architecture) trained once per session on the tests' own sentences."""
    from models.tiny_ner import train_ner
    from tests.ner_sentences import training_examples

    return train_ner(training_examples(), tmp_path_factory.mktemp("tiny-ner") / "en_tiny_ner", epochs=40, seed=7)
