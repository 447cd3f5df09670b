"""What every signal receives (one translation and what is known about it) and gives back."""
from __future__ import annotations

from dataclasses import dataclass

from service.brief import QualityFlag


@dataclass(frozen=True)
class Target:
    """One translation to judge: its source sentence, its text and language, and where it came from.

    The checks that read the source (numbers, untranslated, script) assume English, the service's
    source language; for another ``source_lang`` only the engine signals judge.

    ``by_model``: the engine wrote it (False for memory and reviewer text, which only the
    numbers, untranslated and script checks judge). ``confidence``: the engine's mean
    log-probability per token, if it gave one. ``repairs``: names the glossary layer restored.
    ``protected``: names and renderings that may stay in Latin script.
    """

    source: str
    text: str
    lang: str
    by_model: bool = True
    source_lang: str = "en"
    confidence: float | None = None
    repairs: int = 0
    protected: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One flag and how strongly it counts, from 0 (not at all) to 1 (fully)."""

    flag: QualityFlag
    severity: float = 1.0
