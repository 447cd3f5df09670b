"""Quality signals on whole briefs: every segment and target language judged, and the brief's count of
segments needing review. The pipeline calls :func:`assess_brief` once a brief's texts are final
(model, memory or glossary-repaired); a saved reviewer edit calls :func:`reassess_segment`.
"""
from __future__ import annotations

from collections.abc import Mapping

from service.brief import Brief, QualitySummary
from service.quality.target import Target
from service.quality.verdict import assess
from service.settings import QualityOptions

MODEL = "model"  # the provenance of engine output; memory ("tm-exact") and reviewer ("edited") text is human
REPAIR_PREFIX = "glossary-repair"

Confidences = Mapping[tuple[str, str], float | None]  # (segment id, lang) -> the engine's score


def assess_brief(brief: Brief, options: QualityOptions, confidences: Confidences | None = None) -> None:
    """Judge every translation of ``brief`` in place and count the segments needing review."""
    if not options.enabled:
        return
    for segment in brief.units():  # the title is judged like every summary segment
        for lang in segment.translations:
            _judge(brief, segment.id, lang, options, (confidences or {}).get((segment.id, lang)))
    brief.meta.quality = review_summary(brief, options)


def reassess_segment(brief: Brief, segment_id: str, lang: str, options: QualityOptions) -> None:
    """Judge one translation again (after a reviewer's edit) and recount; engine-only signals drop
    out for human text, and the engine's score no longer applies. A brief stored before quality
    signals existed is judged whole (without engine scores, which it never kept). With the signals
    off, the replaced text's verdict is dropped rather than left standing for the new text."""
    if not options.enabled:
        next(s for s in brief.units() if s.id == segment_id).quality.pop(lang, None)
        if brief.meta.quality is not None:
            brief.meta.quality = review_summary(brief, options)
        return
    if brief.meta.quality is None:
        assess_brief(brief, options)
        return
    _judge(brief, segment_id, lang, options, None)
    brief.meta.quality = review_summary(brief, options)


def review_summary(brief: Brief, options: QualityOptions) -> QualitySummary:
    """How many segments need review (a segment counts once), and how many per language."""
    units = brief.units()
    by_lang = {lang: sum(1 for s in units if lang in s.quality and s.quality[lang].needs_review)
               for lang in brief.meta.target_langs or sorted({k for s in units for k in s.quality})}
    flagged = sum(1 for s in units if any(q.needs_review for q in s.quality.values()))
    return QualitySummary(needs_review=flagged, by_lang=by_lang, threshold=options.threshold)


def _judge(brief: Brief, segment_id: str, lang: str, options: QualityOptions, confidence: float | None) -> None:
    segment = next(s for s in brief.units() if s.id == segment_id)
    by_model = segment.provenance.get(lang, MODEL) == MODEL
    repairs = sum(1 for w in brief.meta.warnings
                  if w.segment == segment_id and w.lang == lang and w.code.startswith(REPAIR_PREFIX))
    protected = tuple(name for entity in brief.entities if any(m.segment == segment_id for m in entity.mentions)
                      for name in (entity.source, entity.renderings.get(lang, "")) if name)
    target = Target(segment.en, segment.translations[lang], lang, by_model=by_model,
                    source_lang=brief.meta.source_lang or "en",
                    confidence=confidence if by_model else None, repairs=repairs if by_model else 0,
                    protected=protected)
    segment.quality[lang] = assess(target, options)
