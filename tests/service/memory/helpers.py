"""Helpers shared by the translation-memory tests."""
from __future__ import annotations

from typing import Any


def edit_target(root: Any, unit_id: str, text: str) -> None:
    """Replace a unit's target text (markers and all), namespace-aware, as a CAT tool would."""
    unit = next(u for u in root.iter("{*}unit", "{*}trans-unit") if u.get("id") == unit_id)
    target = next(unit.iter("{*}target"))
    for child in list(target):
        target.remove(child)
    target.text = text
