"""Shared fixtures: settings on temporary paths, tiny models built once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

from service.settings import Settings
from tests.helpers import SEED_ARTICLE, make_settings

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


@pytest.fixture(scope="session")
def seed_article() -> str:
    if not SEED_ARTICLE.is_file():
        pytest.skip(f"seed article not found at {SEED_ARTICLE}")
    return SEED_ARTICLE.read_text(encoding="utf-8")
