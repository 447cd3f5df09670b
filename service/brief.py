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


@dataclass(frozen=True)
class QualitySpan:
    """Where a quality flag points: characters ``start:end`` of the English (lang "en") or a translation."""

    lang: str
    start: int
    end: int


@dataclass(frozen=True)
class QualityFlag:
    """One thing a quality signal found in a translation (kinds: README, "Quality signals")."""

    kind: str
    detail: str
    span: QualitySpan | None = None


@dataclass
class SegmentQuality:
    """The verdict on one translation: a score in [0, 1] (1: no signal fired), what fired, and whether
    the score is below the review threshold. ``confidence``: the engine's mean log-probability per
    token (None for memory or reviewer text, or an engine that gives no score)."""

    score: float
    needs_review: bool
    flags: list[QualityFlag] = field(default_factory=list)
    confidence: float | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SegmentQuality:
        """The inverse of ``asdict``."""
        flags = [QualityFlag(f["kind"], f["detail"], QualitySpan(**f["span"]) if f.get("span") else None)
                 for f in data.get("flags", [])]
        return cls(float(data["score"]), bool(data["needs_review"]), flags, data.get("confidence"))


@dataclass
class QualitySummary:
    """A brief's count of segments needing review: a segment counts once if any language needs it."""

    needs_review: int = 0
    by_lang: dict[str, int] = field(default_factory=dict)
    threshold: float = 0.5


@dataclass
class AlignedSegment:
    """One English summary sentence with one sentence per target language."""

    id: str
    source_index: int | None
    en: str
    translations: dict[str, str] = field(default_factory=dict)
    # Where each translation came from: "model", "tm-exact" (a translation memory), "edited" (a reviewer).
    provenance: dict[str, str] = field(default_factory=dict)
    # Review status per language: "draft" (untouched), "edited" (a reviewer changed it), "confirmed"
    # (a reviewer approved it); a language missing here is a draft.
    status: dict[str, str] = field(default_factory=dict)
    # Quality signals per target language (service/quality); empty when they are off.
    quality: dict[str, SegmentQuality] = field(default_factory=dict)


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


SEGMENT_STATUSES = ("draft", "edited", "confirmed")


@dataclass(frozen=True)
class DroppedLine:
    """Article text kept out of the brief as no prose: a non-content line (``kind`` "end-mark", "rule",
    "navigation", "section-label", "metadata", "byline", "photo-credit") or the "dateline" taken off
    the first sentence; ``start``/``end`` index the article text (after control characters were removed)."""

    text: str
    kind: str
    start: int
    end: int


@dataclass
class BriefMeta:
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    engines: dict[str, str] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)
    warnings: list[BriefWarning] = field(default_factory=list)
    source_lang: str = "en"
    target_langs: list[str] = field(default_factory=list)
    signature: str = ""
    # What of the article was kept out as no prose, in article order, so nothing disappears silently.
    dropped: list[DroppedLine] = field(default_factory=list)
    quality: QualitySummary | None = None


TITLE_ID = "title"  # the segment id of a brief's title, beside the summary's "s1", "s2", ...


@dataclass
class Brief:
    """Summary segments, the entity report and provenance; ``title``: the article's headline, translated
    (segment id ``"title"``), or None when the article has none."""

    segments: list[AlignedSegment]
    entities: list[EntityReport]
    meta: BriefMeta
    title: AlignedSegment | None = None

    def units(self) -> list[AlignedSegment]:
        """Every translated unit: the title (if any), then the summary segments."""
        return [self.title, *self.segments] if self.title is not None else list(self.segments)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (the title first); optional None fields of warnings are dropped."""
        data = asdict(self)
        data["meta"]["warnings"] = [
            {k: v for k, v in w.items() if v is not None} for w in data["meta"]["warnings"]
        ]
        return {"title": data.pop("title"), **data}
