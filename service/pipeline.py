"""The brief pipeline: segment → summarize → translate (through the glossary layer) → align.

Every door (CLI, HTTP, batch, compatibility endpoints) calls these functions;
none re-implements a stage. Only the summarize and translate stages touch models.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from models.summarizers.base import SummarySentence
from service.alignment import alignment_warnings
from service.brief import AlignedSegment, Brief, BriefMeta, BriefWarning, EntityReport
from service.errors import BadInputError, EmptyTextError, TextEncodingError, TextTooLongError
from service.glossary.model import GlossaryEntry
from service.resources import Resources
from service.segmentation import Sentence, split_sentences
from service.signature import brief_signature, model_provenance
from service.summary_policy import segment_written, summary_count

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BriefRequest:
    """What a caller asks for; validated at the boundary (CLI flags, HTTP schemas)."""

    target_langs: tuple[str, ...]
    sentences: int | None = None
    ratio: float | None = None
    source_lang: str = "en"
    glossaries: tuple[str, ...] = ()
    inline_glossary: tuple[GlossaryEntry, ...] = ()
    summarizer: str | None = None


@dataclass
class _Timer:
    timings_ms: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
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
    from service.languages import validate_lang

    source = validate_lang(request.source_lang)
    targets = tuple(dict.fromkeys(validate_lang(t) for t in request.target_langs))
    if not targets:
        raise BadInputError("no target language given")
    for target in targets:
        if target == source:
            raise BadInputError(f"target language {target} is the source language")
        # Loads the engine now (once per process): a missing model fails before any summarizing.
        resources.models.translator_for(source, target)
    return BriefRequest(**{**request.__dict__, "source_lang": source, "target_langs": targets})


def build_brief(
    article: str, request: BriefRequest, resources: Resources, *, learned: object | None = None
) -> Brief:
    """One article in, one brief out; ``learned`` collects names no glossary knows."""
    return build_briefs([article], request, resources, learned=learned)[0]


def build_briefs(
    articles: Sequence[str],
    request: BriefRequest,
    resources: Resources,
    *,
    learned: object | None = None,
    progress: Progress | None = None,
) -> list[Brief]:
    """Many articles in, one brief each; the translate stage batches sentences of all articles."""
    texts = [validate_article(a, resources.settings.limits.max_chars) for a in articles]
    request = resolve_request(request, resources)
    timer = _Timer()
    with timer.stage("segment"):
        documents = [split_sentences(text) for text in texts]
        if not any(documents):
            raise EmptyTextError("no sentences found in the article text")
    _notify(progress, f"segmented {len(articles)} article(s)")
    with timer.stage("summarize"):
        summaries = [_summarize(doc, request, resources) for doc in documents]
    _notify(progress, "summarized")
    ids = [[f"s{i + 1}" for i in range(len(summary))] for summary in summaries]
    all_ids = [f"{a}/{sid}" for a, doc_ids in enumerate(ids) for sid in doc_ids]
    with timer.stage("translate"):
        outcome = _translate([s.text for summary in summaries for s in summary], all_ids,
                             request, resources, learned)
    positions = {sid: n for n, sid in enumerate(all_ids)}
    _notify(progress, "translated")
    with timer.stage("align"):
        briefs = [
            _assemble(summary, doc_ids, f"{a}/", outcome, positions, request, resources)
            for a, (summary, doc_ids) in enumerate(zip(summaries, ids))
        ]
    for brief in briefs:
        brief.meta.timings_ms = dict(timer.timings_ms)
    return briefs


def translate_segments(
    segments: Sequence[str],
    request: BriefRequest,
    resources: Resources,
    *,
    learned: object | None = None,
) -> Brief:
    """Translate given sentences (no summarization) into an aligned brief with its entity report."""
    if not segments or not any(s.strip() for s in segments):
        raise EmptyTextError("no segments to translate")
    limit = resources.settings.limits.max_chars
    if sum(len(s) for s in segments) > limit:
        raise TextTooLongError(f"the segments total more than {limit} characters (limits.max_chars)")
    request = resolve_request(request, resources)
    timer = _Timer()
    ids = [f"s{i + 1}" for i in range(len(segments))]
    summary = [SummarySentence(text=s, source_index=i) for i, s in enumerate(segments)]
    with timer.stage("translate"):
        all_ids = [f"0/{i}" for i in ids]
        outcome = _translate(list(segments), all_ids, request, resources, learned)
    positions = {sid: n for n, sid in enumerate(all_ids)}
    with timer.stage("align"):
        brief = _assemble(summary, ids, "0/", outcome, positions, request, resources, summarized=False)
    brief.meta.timings_ms = dict(timer.timings_ms)
    return brief


def _summarize(sentences: list[Sentence], request: BriefRequest, resources: Resources) -> list[SummarySentence]:
    limits = resources.settings.limits
    count = summary_count(len(sentences), request.sentences, request.ratio,
                          default=limits.default_sentences, maximum=limits.max_sentences)
    summarizer = resources.models.summarizer(request.summarizer)
    summary = summarizer.summarize(sentences, count)
    return segment_written(summary, [s.text for s in sentences], count)


def _translate(texts, segment_ids, request, resources, learned):
    from service.glossary.enforce import GlossaryTranslator

    active = resources.glossaries.resolve(request.glossaries, request.inline_glossary)
    translator = GlossaryTranslator(resources.translator(), active, learned=learned)
    return translator.translate_segments(texts, request.source_lang, request.target_langs, segment_ids)


def _assemble(summary, doc_ids, prefix, outcome, positions, request, resources, *, summarized=True) -> Brief:
    """Build one brief from its slice of the batched translation outcome."""
    index = {f"{prefix}{sid}": n for n, sid in enumerate(doc_ids)}
    segments = []
    for sentence, sid in zip(summary, doc_ids):
        position = positions[f"{prefix}{sid}"]
        translations = {lang: outcome.translations[lang][position] for lang in request.target_langs}
        segments.append(AlignedSegment(
            id=sid, source_index=sentence.source_index, en=sentence.text, translations=translations,
            provenance={lang: "model" for lang in request.target_langs},
        ))
    warnings = [_relabel(w, prefix) for w in outcome.warnings if (w.segment or "").startswith(prefix)]
    warnings += alignment_warnings(segments)
    entities = _entities_for(outcome.entities, index, prefix)
    models, engines = model_provenance(request, resources, summarized=summarized)
    meta = BriefMeta(models=models, engines=engines, warnings=warnings,
                     source_lang=request.source_lang, target_langs=list(request.target_langs))
    if resources.settings.tiny_models or any(m.get("tiny") for m in models.values()):
        meta.warnings.insert(0, BriefWarning(
            "tiny-models", "These translations come from tiny random-weight test models "
            "(models build-tiny): the text is gibberish by design, not a translation."))
    meta.signature = brief_signature(models, request, outcome)
    return Brief(segments=segments, entities=entities, meta=meta)


def _relabel(warning: BriefWarning, prefix: str) -> BriefWarning:
    return BriefWarning(warning.code, warning.message, (warning.segment or "")[len(prefix):], warning.lang)


def _entities_for(entities: list[EntityReport], index: dict[str, int], prefix: str) -> list[EntityReport]:
    """The entities of one brief, with mentions relabelled to its own segment ids."""
    out = []
    for entity in entities:
        mentions = [m for m in entity.mentions if m.segment in index]
        if not mentions:
            continue
        out.append(EntityReport(
            source=entity.source, type=entity.type, resolution=entity.resolution,
            glossary=entity.glossary, renderings=dict(entity.renderings),
            mentions=[type(m)(segment=m.segment[len(prefix):], lang=m.lang, start=m.start, end=m.end)
                      for m in mentions],
        ))
    return out


def _notify(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)
