"""Batch fixtures: tiny models loaded once for the module, fast translation settings."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from service.batch.runner import BatchJob, run_batch
from service.batch.summary import BatchSummary
from service.pipeline import BriefRequest
from service.runtime.resources import Resources
from service.settings import Settings
from tests.helpers import make_settings

# Greedy decoding, large engine batches: the tiny models' output is gibberish either way.
FAST_TRANSLATION = {"beam_size": 1, "batch_size": 64}


@pytest.fixture(scope="session")
def batch_settings(tiny_models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("batch"), models_dir=str(tiny_models_dir),
                         translation=FAST_TRANSLATION)


@pytest.fixture(scope="session")
def batch_resources(batch_settings: Settings) -> Resources:
    """Models load once for every batch test."""
    return Resources(batch_settings)


@pytest.fixture
def run_job(batch_settings: Settings, batch_resources: Resources):
    """Run a batch job in-process: ``run_job(input, out, batch={...}, **BatchJob fields)``."""

    def run(input_path: Path, out: Path, *, batch: dict[str, Any] | None = None, to: tuple[str, ...] = ("ja",),
            sentences: int | None = 3, settings_changes: dict[str, Any] | None = None, **fields: Any
            ) -> BatchSummary:
        settings = batch_settings.replace(**(settings_changes or {}))
        if batch:
            settings = settings.replace(batch=dataclasses.replace(settings.batch, **batch))
        job = BatchJob(input_path, out, BriefRequest(target_langs=to, sentences=sentences), **fields)
        return run_batch(job, settings, resources=batch_resources, quiet=True)

    return run
