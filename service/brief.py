"""The brief: what a caller gets (aligned bilingual segments, the entity report and provenance).

Output types only; this module imports nothing of the project, so every layer may use it.
What a caller asks for is ``service.pipeline.request.BriefRequest``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class BriefWarning:
    """Something the reader of a brief should know (a repair, a tiny model, a misalignment)."""

    code: str
    message: str
    segment: str | None = None
    lang: str | None = None


@dataclass
class AlignedSegment:
    """One English summary sentence with one sentence per target language."""

    id: str
    source_index: int | None
    en: str
    translations: dict[str, str] = field(default_factory=dict)
    # Where each translation came from; "model" today, later "tm-exact", "edited".
    provenance: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EntityMention:
    """Character offsets of one mention, in the segment's English (lang "en") or a translation."""

    segment: str
    lang: str
    start: int
    end: int


@dataclass
class EntityReport:
    source: str
    type: str
    resolution: str  # "glossary" | "cldr" | "learned" | "unresolved"
    glossary: str | None
    renderings: dict[str, str]
    mentions: list[EntityMention] = field(default_factory=list)
    # Who found the name: "glossary" | "cldr" | "ner" | "heuristic" (None in briefs stored before it).
    detector: str | None = None
    # Per language, what gave the rendering: a glossary's name, "cldr", or "learned" (the name's own translation).
    rendered_by: dict[str, str] = field(default_factory=dict)
    # Per language, the rendering of mentions by family name alone ("Secretary Blinken": ブリンケン).
    short_renderings: dict[str, str] = field(default_factory=dict)


@dataclass
class BriefMeta:
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    engines: dict[str, str] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)
    warnings: list[BriefWarning] = field(default_factory=list)
    source_lang: str = "en"
    target_langs: list[str] = field(default_factory=list)
    signature: str = ""


@dataclass
class Brief:
    segments: list[AlignedSegment]
    entities: list[EntityReport]
    meta: BriefMeta

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form; optional None fields of warnings are dropped."""
        data = asdict(self)
        data["meta"]["warnings"] = [
            {k: v for k, v in w.items() if v is not None} for w in data["meta"]["warnings"]
        ]
        return data
