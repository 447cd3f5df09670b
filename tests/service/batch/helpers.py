"""Helpers shared by the batch tests."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def manifest_lines(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
