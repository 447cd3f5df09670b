"""One pipeline for every compatibility door: texts in, translated texts out.

Texts are cut into sentences (English sources, unless the caller turns splitting
off), markup is separated from text when asked, and every piece of every text goes
through one :func:`service.pipeline.translate_segments` call -- the glossary layer
included -- before the pieces are put back together with their original spacing.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from service.api.compat.markup import MarkedText, parse_markup
from service.brief import Brief
from service.pipeline import BriefRequest, translate_segments
from service.pipeline.segmentation import split_sentences
from service.runtime.resources import Resources
from service.storage.tenancy import OPERATOR, Tenant

SPLIT_LANGS = ("en",)  # the sentence splitter is tuned for English news text


@dataclass(frozen=True)
class TextJob:
    """What one door asks of the pipeline for a batch of texts."""

    source_lang: str
    target_lang: str
    glossaries: tuple[str, ...] = ()
    split_sentences: bool = True
    tag_handling: str | None = None  # None, "html" or "xml"
    ignore_tags: tuple[str, ...] = ()
    tenant: Tenant = OPERATOR  # whose translation memories may be reused; the doors set the key's tenant


@dataclass
class _Pieces:
    """One text as kept parts and indexes into the shared segment list."""

    parts: list[str | int]


def _split(text: str, job: TextJob, segments: list[str]) -> _Pieces:
    """Cut one plain text into translatable sentences and the whitespace between them."""
    if not text.strip():
        return _Pieces([text])
    if not (job.split_sentences and job.source_lang in SPLIT_LANGS):
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()):]
        segments.append(text.strip())
        return _Pieces([lead, len(segments) - 1, trail])
    parts: list[str | int] = []
    position = 0
    for sentence in split_sentences(text):
        parts.append(text[position:sentence.start])
        segments.append(text[sentence.start:sentence.end])
        parts.append(len(segments) - 1)
        position = sentence.end
    parts.append(text[position:])
    return _Pieces(parts)


def _join(pieces: _Pieces, translated: Sequence[str]) -> str:
    return "".join(translated[p] if isinstance(p, int) else p for p in pieces.parts)


def _batches(segments: list[str], max_chars: int) -> list[list[str]]:
    """Consecutive runs of segments, each within ``max_chars`` (a longer segment goes alone and fails)."""
    batches: list[list[str]] = [[]]
    size = 0
    for segment in segments:
        if batches[-1] and size + len(segment) > max_chars:
            batches.append([])
            size = 0
        batches[-1].append(segment)
        size += len(segment)
    return batches


def translate_texts(texts: Sequence[str], job: TextJob, resources: Resources, *,
                    observe: Callable[[dict[str, float]], None] | None = None, chunked: bool = False,
                    run_chunk: Callable[[Callable[[], Brief]], Brief] | None = None) -> list[str]:
    """Translate each text (plain or marked up) through the pipeline; order and count kept.

    ``observe`` receives the pipeline's stage timings (the HTTP metrics). ``chunked``
    (documents) sends the sentences in pipeline calls of at most ``limits.max_chars``
    characters; otherwise one call, which refuses more. ``run_chunk`` runs each pipeline
    call (a document job: under a model slot and its deadline, again when shed).
    """
    marked: list[MarkedText | None] = []
    runs: list[str] = []
    for text in texts:
        if job.tag_handling:
            document = parse_markup(text, mode=job.tag_handling, ignore_tags=job.ignore_tags)
            marked.append(document)
            runs.extend(document.texts())
        else:
            marked.append(None)
            runs.append(text)
    segments: list[str] = []
    pieces = [_split(run, job, segments) for run in runs]
    request = BriefRequest(target_langs=(job.target_lang,), source_lang=job.source_lang,
                           glossaries=job.glossaries, tenant=job.tenant)
    translated: list[str] = []
    batches = _batches(segments, resources.settings.limits.max_chars) if chunked else [segments]
    for batch in batches:
        if not batch:
            continue
        def call(batch: list[str] = batch) -> Brief:
            return translate_segments(batch, request, resources)

        brief = run_chunk(call) if run_chunk is not None else call()
        translated.extend(segment.translations[job.target_lang] for segment in brief.segments)
        if observe is not None:
            observe(brief.meta.timings_ms)
    outputs = [_join(p, translated) for p in pieces]
    results = []
    position = 0
    for entry in marked:
        if entry is None:
            results.append(outputs[position])
            position += 1
        else:
            count = len(entry.texts())
            results.append(entry.render(outputs[position:position + count]))
            position += count
    return results
