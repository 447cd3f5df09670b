"""Helpers shared by the tests (fixtures stay in conftest.py; import helpers from here)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from service.settings import Settings, load_settings

SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
SEED_ARTICLE = SHARED_DIR / "examples" / "seed_article.txt"
REPO_DIR = Path(__file__).resolve().parents[1]
# News articles the repo owns (written for the tests): quotes, abbreviations, decimals, a headline,
# a pasted lower-case fragment, a likely misspelling ("Tawain") and names no glossary knows; the
# release adds what desks receive around the prose (labels, byline, dateline, credit, bullets, footer).
OWN_ARTICLES = (
    REPO_DIR / "examples" / "harbor_drill.txt",
    REPO_DIR / "tests" / "data" / "articles" / "ministers_meeting.txt",
    REPO_DIR / "tests" / "data" / "articles" / "trade_talks.txt",
    REPO_DIR / "tests" / "data" / "articles" / "defense_release.txt",
)


def read_article(path: Path) -> str:
    """One of the repo's own test articles."""
    return path.read_text(encoding="utf-8")


def make_settings(tmp: Path, **overrides: Any) -> Settings:
    """Settings isolated from the environment, with paths under ``tmp`` and no hub access."""
    base = {
        "models_dir": str(tmp / "models"),
        "store_path": str(tmp / "store.sqlite3"),
        "auto_pull": False,
        "hub_endpoint": "http://127.0.0.1:9",
        "cache": False,  # engine-call counts stay exact; tests/service/test_translation_cache.py turns it on
    }
    base.update(overrides)
    return load_settings(overrides=base, environ={})
