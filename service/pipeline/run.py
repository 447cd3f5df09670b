"""The brief pipeline: segment → summarize → translate (through the glossary layer) → align → quality.

Every door (CLI, HTTP, batch, compatibility endpoints) calls these functions;
none re-implements a stage. Only the summarize and translate stages touch models.

Segmenting keeps non-content lines (end marks, rules, navigation, labels, metadata, bylines,
credits) out of everything after it and lists them in ``meta.dropped``; the headline becomes the
brief's title, subheadings and the dateline stay out of the summary. The titles and summary
sentences of all articles of one call are translated as one batch (one engine call per language):
each article is a consecutive run of the batch, which the glossary layer reports under the brief's
own segment ids ("title", "s1", "s2", ...). The quality stage judges every final translation
(service/quality) with the engine's scores.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from models.summarizers.base import SummarySentence
from service.brief import TITLE_ID, AlignedSegment, Brief, BriefMeta, BriefWarning, DroppedLine
from service.errors import BadInputError, EmptyTextError, TextEncodingError, TextTooLongError
from service.glossary.enforce import GlossaryOutcome, GlossaryTranslator
from service.glossary.learned import LearnedGlossary
from service.languages import validate_lang
from service.memory.reuse import apply_memory
from service.pipeline.alignment import alignment_warnings
from service.pipeline.line_kinds import DATELINE
from service.pipeline.request import BriefRequest
from service.pipeline.segmentation import Segmentation, remove_controls, segment_text
from service.pipeline.signature import brief_signature, model_provenance
from service.pipeline.summary_policy import segment_written, summary_count
from service.quality.review import Confidences, assess_brief
from service.runtime.request_budget import bounded_translator, check_deadline, model_slot
from service.runtime.resources import Resources

__all__ = ["Progress", "build_brief", "build_briefs", "decode_text", "resolve_request",
           "translate_segments", "validate_article"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class _Job:
    """What every brief of one call shares: the resolved request and the process's resources."""

    request: BriefRequest
    resources: Resources
    summarized: bool = True


@dataclass(frozen=True)
class _ArticleSentence:
    """What the summarizer reads of an article sentence: its text without a dateline, its headline flag."""

    text: str
    is_headline: bool = False


@dataclass
class _Article:
    """What one brief is made of: the title sentence (if any), the summary and what was left out."""

    summary: list[SummarySentence]
    title: str | None = None
    dropped: list[DroppedLine] = field(default_factory=list)
    first: int = 1  # the number of the first summary sentence ("s1"; later in a streamed part, stream.py)

    def units(self) -> list[tuple[str, int | None, str]]:
        """(segment id, source index, English) of every unit to translate: the title first."""
        units: list[tuple[str, int | None, str]] = [(TITLE_ID, 0, self.title)] if self.title is not None else []
        return units + [(f"s{n}", s.source_index, s.text) for n, s in enumerate(self.summary, self.first)]


@dataclass
class _Timer:
    timings_ms: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str, *, bounded: bool = True) -> Iterator[None]:
        if bounded:
            check_deadline(name)  # past the request's deadline no further stage starts
        with model_slot(name):  # a model stage waits for one of the worker's slots, or is shed (503)
            start = time.perf_counter()
            try:
                yield
            finally:
                self.timings_ms[name] = round((time.perf_counter() - start) * 1000, 2)


def decode_text(data: bytes, *, origin: str = "input") -> str:
    """Decode article bytes as UTF-8 (a BOM is allowed); TextEncodingError otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TextEncodingError(
            f"{origin} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it with e.g. `iconv -t UTF-8`"
        ) from None


def validate_article(text: str, max_chars: int) -> str:
    """Reject empty, whitespace-only and over-long text with a clear error."""
    if not isinstance(text, str):
        raise TypeError(f"article text must be str, not {type(text).__name__}")
    if not text.strip():
        raise EmptyTextError("the article text is empty or only whitespace")
    if len(text) > max_chars:
        raise TextTooLongError(
            f"the article has {len(text)} characters; the limit is {max_chars} (limits.max_chars)"
        )
    return text


def resolve_request(request: BriefRequest, resources: Resources) -> BriefRequest:
    """Normalise language codes; fail fast on a pair with no model or a model not installed."""
    source = validate_lang(request.source_lang)
    targets = tuple(dict.fromkeys(validate_lang(t) for t in request.target_langs))
    if not targets:
        raise BadInputError("no target language given")
    for target in targets:
        if target == source:
            raise BadInputError(f"target language {target} is the source language")
        # Loads the engine now (once per process): a missing model fails before any summarizing.
        resources.models.translator_for(source, target)
    return replace(request, source_lang=source, target_langs=targets)


def build_brief(
    article: str, request: BriefRequest, resources: Resources, *, learned: LearnedGlossary | None = None
) -> Brief:
    """One article in, one brief out; ``learned`` collects names no glossary knows."""
    return build_briefs([article], request, resources, learned=learned)[0]


def build_briefs(
    articles: Sequence[str],
    request: BriefRequest,
    resources: Resources,
    *,
    learned: LearnedGlossary | None = None,
    progress: Progress | None = None,
) -> list[Brief]:
    """Many articles in, one brief each; the translate stage batches sentences of all articles."""
    cleaned = [_without_controls(a) for a in articles]
    texts = [validate_article(text, resources.settings.limits.max_chars) for text, _ in cleaned]
    job = _Job(resolve_request(request, resources), resources)
    timer = _Timer()
    with timer.stage("segment"):
        documents = [_segment(text) for text in texts]
        if not any(document.sentences for document in documents):
            raise EmptyTextError("no sentences found in the article text")
    _notify(progress, f"segmented {len(articles)} article(s)")
    with timer.stage("summarize"):
        summaries = [_summarize(document, job) for document in documents]
    _notify(progress, "summarized")
    with timer.stage("translate"):
        contexts = [[sentence.content for sentence in doc.sentences] for doc in documents]
        outcomes = _translate(summaries, job, learned, contexts)
    timer.timings_ms["entities"] = outcomes[0].detect_ms  # the part of "translate" spent finding entities
    _notify(progress, "translated")
    with timer.stage("align"):
        briefs = [_assemble(summary, outcome, job) for summary, outcome in zip(summaries, outcomes, strict=True)]
        # Human translations from memories replace or accompany the model's (service/memory/reuse.py).
        apply_memory(briefs, resources.memories, resources.settings.memory, tenant=job.request.tenant,
                     checkpoint=check_deadline)
    with timer.stage("quality", bounded=False):  # milliseconds: never worth refusing finished work
        for brief, summary, outcome in zip(briefs, summaries, outcomes, strict=True):
            assess_brief(brief, resources.settings.quality, _confidences(summary, outcome))
    for brief, (_, warning) in zip(briefs, cleaned, strict=True):
        brief.meta.timings_ms = dict(timer.timings_ms)
        brief.meta.warnings += [warning] if warning else []
    return briefs


def translate_segments(
    segments: Sequence[str],
    request: BriefRequest,
    resources: Resources,
    *,
    learned: LearnedGlossary | None = None,
) -> Brief:
    """Translate given sentences (no summarization) into an aligned brief with its entity report."""
    if not segments or not any(s.strip() for s in segments):
        raise EmptyTextError("no segments to translate")
    limit = resources.settings.limits.max_chars
    if sum(len(s) for s in segments) > limit:
        raise TextTooLongError(f"the segments total more than {limit} characters (limits.max_chars)")
    job = _Job(resolve_request(request, resources), resources, summarized=False)
    timer = _Timer()
    cleaned = [_without_controls(s) for s in segments]
    summary = _Article([SummarySentence(text=s, source_index=i) for i, (s, _) in enumerate(cleaned)])
    with timer.stage("translate"):
        (outcome,) = _translate([summary], job, learned)
    timer.timings_ms["entities"] = outcome.detect_ms
    with timer.stage("align"):
        brief = _assemble(summary, outcome, job)
        apply_memory([brief], resources.memories, resources.settings.memory, tenant=job.request.tenant,
                     checkpoint=check_deadline)
    with timer.stage("quality", bounded=False):  # milliseconds: never worth refusing finished work
        assess_brief(brief, resources.settings.quality, _confidences(summary, outcome))
    brief.meta.timings_ms = dict(timer.timings_ms)
    brief.meta.warnings += [replace(w, segment=f"s{n}") for n, (_, w) in enumerate(cleaned, 1) if w]
    return brief


def _segment(text: str) -> Segmentation:
    """One article segmented (the deadline checked before each article: segmenting grows with the text)."""
    check_deadline("segmenting")
    return segment_text(text)


def _summarize(document: Segmentation, job: _Job) -> _Article:
    """The title, the summary of the body (headline and subheadings never in it) and the dropped lines."""
    sentences = document.sentences
    article = _Article([], document.title.text if document.title else None, _dropped(document))
    body = sum(1 for s in sentences if not s.is_headline)
    if not body:
        return article
    limits = job.resources.settings.limits
    count = summary_count(body, job.request.sentences, job.request.ratio,
                          default=limits.default_sentences, maximum=limits.max_sentences)
    summarizer = job.resources.summarizer(job.request.summarizer)
    # The summarizer sees the headlines (an abstractive model reads them as context) and each sentence
    # without its dateline; a picked headline or subheading is no summary sentence.
    picked = summarizer.summarize([_ArticleSentence(s.content, s.is_headline) for s in sentences], count)
    picked = [p for p in picked if p.source_index is None or not sentences[p.source_index].is_headline]
    article.summary = segment_written(picked, [s.content for s in sentences], count)
    return article


def _dropped(document: Segmentation) -> list[DroppedLine]:
    """The non-content lines and the dateline of a document, in article order."""
    dropped = list(document.dropped)
    dropped += [DroppedLine(s.dateline, DATELINE, s.start, s.dateline_end)
                for s in document.sentences if s.dateline and s.dateline_end is not None]
    return sorted(dropped, key=lambda line: line.start)


def _translate(articles: Sequence[_Article], job: _Job, learned: LearnedGlossary | None,
               contexts: Sequence[Sequence[str]] | None = None) -> list[GlossaryOutcome]:
    """Every article's title and summary in one batch through the glossary layer; one outcome per article.

    ``contexts``: each article's sentences, where names the summary only refers to are introduced.
    """
    request = job.request
    active = job.resources.glossaries.resolve(request.glossaries, request.inline_glossary)
    detector = job.resources.name_detector()
    translator = GlossaryTranslator(bounded_translator(job.resources.translator()), active, learned=learned,
                                    detector=detector, detect_names=detector is not None, checkpoint=check_deadline)
    units = [article.units() for article in articles]
    texts = [text for article in units for _, _, text in article]
    groups = [[sid for sid, _, _ in article] for article in units]
    return translator.translate_groups(texts, request.source_lang, request.target_langs, groups, contexts)


def _assemble(article: _Article, outcome: GlossaryOutcome, job: _Job) -> Brief:
    """One brief from its title, summary and its share of the batch's translation outcome."""
    langs = job.request.target_langs
    units = [
        AlignedSegment(id=sid, source_index=index, en=text,
                       translations={lang: outcome.translations[lang][n] for lang in langs},
                       provenance=dict.fromkeys(langs, "model"), status=dict.fromkeys(langs, "draft"))
        for n, (sid, index, text) in enumerate(article.units())
    ]
    title = units.pop(0) if article.title is not None else None
    # A brief carries the warnings on its own sentences; those on no one sentence (a glossary
    # entry without a rendering in some language) have never been part of a brief.
    warnings = [w for w in outcome.warnings if w.segment is not None]
    warnings += alignment_warnings([title, *units] if title is not None else units)
    meta = _meta(warnings, outcome, job)
    meta.dropped = article.dropped
    return Brief(segments=units, entities=outcome.entities, meta=meta, title=title)


def _confidences(article: _Article, outcome: GlossaryOutcome) -> Confidences:
    """The engine's score of each (unit, language) translation of one brief (the title first)."""
    return {(sid, lang): scores[n] for lang, scores in outcome.scores.items()
            for n, (sid, _, _) in enumerate(article.units())}


def _meta(warnings: list[BriefWarning], outcome: GlossaryOutcome, job: _Job) -> BriefMeta:
    """Provenance of one brief, with a warning first when tiny test models wrote it."""
    models, engines = model_provenance(job.request, job.resources, summarized=job.summarized)
    meta = BriefMeta(models=models, engines=engines, warnings=warnings,
                     source_lang=job.request.source_lang, target_langs=list(job.request.target_langs))
    if job.resources.settings.tiny_models or any(m.get("tiny") for m in models.values()):
        meta.warnings.insert(0, BriefWarning(
            "tiny-models", "These translations come from tiny random-weight test models "
            "(models build-tiny): the text is gibberish by design, not a translation."))
    meta.signature = brief_signature(models, job.request, outcome.glossary_key)
    return meta


def _without_controls(text: str) -> tuple[str, BriefWarning | None]:
    """Input normalization: bidi controls and NUL/control characters removed, and a warning saying so."""
    if not isinstance(text, str):
        return text, None  # validate_article names the wrong type
    text, bidi, other = remove_controls(text)
    if not bidi and not other:
        return text, None
    parts = [f"{bidi} bidirectional control(s)" if bidi else "", f"{other} NUL/control character(s)" if other else ""]
    return text, BriefWarning("controls-removed", f"removed {' and '.join(p for p in parts if p)} from the input")


def _notify(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)
