"""Helpers for the engine tests: specs and options for the tiny models."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from models.registry import ModelSpec
from service.settings import TranslationOptions

SENTENCES = [
    "The city council approved a new budget for public transport.",
    "Heavy rain caused flooding in several coastal towns.",
    "Shares of the technology company rose sharply.",
    "The museum reopened after a long renovation.",
]


def tiny_spec(architecture: str, engine: str = "transformers", lang_token: str = "") -> ModelSpec:
    return ModelSpec(task="translation", key="en-ja", engine=engine, model=f"briefs-tiny/{architecture}",
                     architecture=architecture, revision="tiny", tiny=True, lang_token=lang_token)


@pytest.fixture
def options() -> TranslationOptions:
    return TranslationOptions(beam_size=2, max_length=24, batch_size=2, threads=1)


@pytest.fixture
def copy_model(tiny_models_dir: Path, tmp_path: Path):
    """Copy one tiny model folder into tmp_path so a test may break it."""

    def copy(folder: str) -> Path:
        dest = tmp_path / folder
        shutil.copytree(tiny_models_dir / folder, dest)
        return dest

    return copy
