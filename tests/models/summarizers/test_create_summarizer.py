"""The summarizer lookup table, and the real extractive summarizer built through the manager."""
from __future__ import annotations

from pathlib import Path

import pytest

from models.manager import ModelManager
from models.registry import ModelSpec
from models.summarizers import SUMMARIZERS, create_summarizer
from service.settings import SummaryOptions


def test_lookup_table_names() -> None:
    assert set(SUMMARIZERS) == {"extractive", "abstractive"}


def test_unknown_summarizer_name() -> None:
    spec = ModelSpec(task="summarization", key="lexrank", engine="transformers", model="x/y")
    with pytest.raises(ValueError, match="no summarizer named 'lexrank'"):
        create_summarizer(spec, Path("."), SummaryOptions())


@pytest.mark.slow
def test_manager_builds_the_real_extractive_summarizer(settings) -> None:
    sentences = [
        "The city council approved a new budget for public transport on Monday.",
        "The budget adds twelve bus lines and extends the tram network to the harbour.",
        "Council members debated the plan for more than six hours before the vote.",
        "Opponents said the plan would raise local taxes for small businesses.",
        "The mayor said the first new bus lines would open next spring.",
    ]
    manager = ModelManager(settings)
    summarizer = manager.summarizer()
    assert summarizer is manager.summarizer("extractive")
    summary = summarizer.summarize(sentences, 2)
    assert 1 <= len(summary) <= 2
    assert all(s.text == sentences[s.source_index] for s in summary)
    assert "embedding.extractive" in manager.load_times_ms
