"""What a list of stored briefs shows without loading their bodies: title, languages, review progress.

Computed from a brief's JSON form (``Brief.to_dict()``) when it is stored and after every review
change, and kept in columns of ``stored_briefs`` (migration 5 fills them for briefs stored before).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

TITLE_CHARS = 200
CONFIRMED = "confirmed"


@dataclass(frozen=True)
class Listing:
    """A stored brief's line in a list."""

    title: str
    target_langs: tuple[str, ...]
    segments: int  # the title (when there is one) and the summary's segments
    segments_confirmed: int  # segments confirmed in every target language
    translations: int  # segments x target languages
    translations_confirmed: int

    def columns(self) -> dict[str, Any]:
        """The ``stored_briefs`` columns (languages as a JSON array)."""
        return {"title": self.title, "target_langs": json.dumps(list(self.target_langs)),
                "segment_count": self.segments, "segments_confirmed": self.segments_confirmed,
                "translation_count": self.translations, "translations_confirmed": self.translations_confirmed}


def title_of(body: dict[str, Any]) -> str:
    """The brief's headline in English when it has one, else its first summary sentence (cut to 200 characters)."""
    title = body.get("title")
    if isinstance(title, dict):
        title = title.get("en") or title.get("source") or title.get("text")
    if not isinstance(title, str) or not title.strip():
        segments = body.get("segments") or [{}]
        title = str(segments[0].get("en", ""))
    title = " ".join(title.split())
    return title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS - 1] + "…"


def listing(body: dict[str, Any]) -> Listing:
    """The listing of a brief in its JSON form; the title, when there is one, is a unit to review like a segment."""
    title = body.get("title")
    segments = ([title] if isinstance(title, dict) and title.get("translations") is not None else []) + list(
        body.get("segments") or [])
    langs = tuple(body.get("meta", {}).get("target_langs") or
                  dict.fromkeys(lang for s in segments for lang in s.get("translations", {})))
    confirmed = [[(s.get("status") or {}).get(lang) == CONFIRMED for lang in langs] for s in segments]
    return Listing(title_of(body), langs, len(segments), sum(1 for row in confirmed if row and all(row)),
                   len(segments) * len(langs), sum(sum(row) for row in confirmed))
