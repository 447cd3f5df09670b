"""A brief built in parts, for a stream: the summary first, then each segment as soon as it is translated.

The stages are ``run``'s own (segment, summarize, translate through the glossary layer, align, memory
reuse); only the translate stage runs in parts: the title (if the article has a headline) with the
first summary sentence, then parts that double (1, 2, 4, ...), so the first segment is ready after one
short engine call while the rest still share batches (and, under HTTP, the micro-batcher). One learned
glossary spans the parts, so a name gets one rendering in every segment. The whole brief is assembled
at the end from every part's outcome, exactly as ``build_brief`` assembles it, for the entity report
and meta.

:class:`BriefStream` runs validation, segmenting and summarizing when it is made (errors there are
ordinary errors: a stream that cannot start answers with a status); :meth:`BriefStream.events` runs
the rest, yielding :class:`BriefEvent` values.
"""
from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from service.brief import TITLE_ID, AlignedSegment, Brief, EntityReport
from service.errors import EmptyTextError
from service.glossary.enforce import GlossaryOutcome
from service.glossary.learned import LearnedGlossary
from service.memory.reuse import apply_memory
from service.pipeline.request import BriefRequest
from service.pipeline.run import (
    _Article,
    _assemble,
    _confidences,
    _Job,
    _summarize,
    _Timer,
    _translate,
    _without_controls,
    resolve_request,
    validate_article,
)
from service.pipeline.segmentation import segment_text
from service.quality.review import assess_brief
from service.runtime.resources import Resources

SUMMARY, TITLE, SEGMENT = "summary", "title", "segment"
ENTITIES, META, DONE, ERROR = "entities", "meta", "done", "error"
EVENTS = (SUMMARY, TITLE, SEGMENT, ENTITIES, META, DONE, ERROR)


@dataclass(frozen=True)
class BriefEvent:
    """One server-sent event: its name and its JSON data."""

    event: str
    data: dict[str, Any]


def part_sizes(count: int) -> list[int]:
    """Sentences per translate call: 1, then doubling (1, 2, 4, ...) until ``count`` are covered."""
    sizes, size = [], 1
    while count > 0:
        sizes.append(min(size, count))
        count -= sizes[-1]
        size *= 2
    return sizes


class BriefStream:
    """One article's brief as events; made = validated, segmented and summarized (errors raise here)."""

    def __init__(self, article: str, request: BriefRequest, resources: Resources) -> None:
        text, self.controls_warning = _without_controls(article)
        text = validate_article(text, resources.settings.limits.max_chars)
        self.job = _Job(resolve_request(request, resources), resources)
        self.timer = _Timer()
        with self.timer.stage("segment"):
            document = segment_text(text)
            if not document.sentences:
                raise EmptyTextError("no sentences found in the article text")
        with self.timer.stage("summarize"):
            self.article: _Article = _summarize(document, self.job)
        self.brief: Brief | None = None  # the whole brief, once events() has run to its end

    def summary_event(self) -> BriefEvent:
        """The title and the chosen summary sentences, before any translation."""
        request = self.job.request
        return BriefEvent(SUMMARY, {
            "title": self.article.title,
            "segments": [{"id": f"s{n}", "source_index": s.source_index, "en": s.text}
                         for n, s in enumerate(self.article.summary, 1)],
            "source_lang": request.source_lang, "target_langs": list(request.target_langs)})

    def _parts(self) -> list[_Article]:
        """The article in translate calls: the title with the first sentence, then doubling parts."""
        summary, title = self.article.summary, self.article.title
        parts, start = [], 0
        for size in part_sizes(len(summary)) or ([0] if title is not None else []):
            parts.append(_Article(summary[start:start + size], title if start == 0 else None, first=start + 1))
            start += size
        return parts

    def events(self) -> Iterator[BriefEvent]:
        """A ``title`` event, and a ``segment`` event per summary sentence, as each part is translated;
        then ``entities`` and ``meta``."""
        learned = LearnedGlossary()
        outcomes: list[GlossaryOutcome] = []
        translate_ms = 0.0
        for part in self._parts():
            began = time.perf_counter()
            with self.timer.stage("translate"):
                (outcome,) = _translate([part], self.job, learned)
            translate_ms += (time.perf_counter() - began) * 1000
            partial = _assemble(part, outcome, self.job)
            apply_memory([partial], self.job.resources.memories, self.job.resources.settings.memory,
                         tenant=self.job.request.tenant)
            assess_brief(partial, self.job.resources.settings.quality, _confidences(part, outcome))
            if partial.title is not None:
                yield BriefEvent(TITLE, segment_data(partial.title, partial))
            for segment in partial.segments:
                yield BriefEvent(SEGMENT, segment_data(segment, partial))
            outcomes.append(outcome)
        self.timer.timings_ms["translate"] = round(translate_ms, 2)
        with self.timer.stage("align"):
            merged = merge_outcomes(outcomes, self.job.request.target_langs)
            brief = _assemble(self.article, merged, self.job)
            apply_memory([brief], self.job.resources.memories, self.job.resources.settings.memory,
                         tenant=self.job.request.tenant)
        with self.timer.stage("quality", bounded=False):  # milliseconds: never worth refusing finished work
            assess_brief(brief, self.job.resources.settings.quality, _confidences(self.article, merged))
        brief.meta.timings_ms = dict(self.timer.timings_ms)
        brief.meta.warnings += [self.controls_warning] if self.controls_warning else []
        self.brief = brief
        data = brief.to_dict()
        yield BriefEvent(ENTITIES, {"entities": data["entities"]})
        yield BriefEvent(META, data["meta"])


def segment_data(segment: AlignedSegment, part: Brief) -> dict[str, Any]:
    """A segment with the entities mentioned in it (their mentions in it only) and its warnings."""
    entities = []
    for report in part.entities:
        mentions = [m for m in report.mentions if m.segment == segment.id]
        if mentions:
            entities.append(asdict(replace(report, mentions=mentions)))
    warnings = [{k: v for k, v in asdict(w).items() if v is not None}
                for w in part.meta.warnings if w.segment == segment.id]
    return {**asdict(segment), "entities": entities, "warnings": warnings}


def merge_outcomes(outcomes: Sequence[GlossaryOutcome], langs: Sequence[str]) -> GlossaryOutcome:
    """The outcomes of a brief's parts as one: translations in order, each entity once with all its mentions."""
    merged: dict[tuple[str, str, str | None], EntityReport] = {}
    for outcome in outcomes:
        for report in outcome.entities:
            key = (report.source, report.type, report.glossary)
            known = merged.get(key)
            if known is None:
                merged[key] = replace(report, renderings=dict(report.renderings), mentions=list(report.mentions))
                continue
            known.mentions.extend(report.mentions)
            for lang, rendering in report.renderings.items():
                known.renderings.setdefault(lang, rendering)
            if known.resolution == "unresolved" and report.resolution != "unresolved":
                known.resolution = report.resolution
    rank = {lang: n for n, lang in enumerate(["en", *langs])}
    for report in merged.values():  # as one batch reports them: the English first, then each language
        report.mentions.sort(key=lambda m: (rank.get(m.lang, len(rank)), _order(m.segment), m.start))
    return GlossaryOutcome(
        translations={lang: [t for o in outcomes for t in o.translations[lang]] for lang in langs},
        entities=list(merged.values()), warnings=[w for o in outcomes for w in o.warnings],
        glossary_key=outcomes[0].glossary_key if outcomes else "",
        scores={lang: [x for o in outcomes for x in o.scores.get(lang, [None] * len(o.translations[lang]))]
                for lang in langs})


def _order(segment_id: str) -> int:
    """A unit's place in a brief: the title first, then "s1", "s2", ..."""
    return 0 if segment_id == TITLE_ID else int(segment_id.lstrip("s") or 0)
