"""The glossary layer: a Translator wrapper that renders every entity the glossary way, exactly once.

Mechanism: each entity mention (glossary entry, CLDR place, learned name, short reference) in the
English is found by :class:`service.glossary.entities.EntityFinder` and replaced by a placeholder,
every sentence of every segment goes to the inner translator in ONE batch per target language, and
``restore`` puts the renderings back, repairing whatever the model did to the placeholders. Each
repair becomes a BriefWarning; every mention gets exact offsets.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from models.engines.base import Translator, translate_scored
from service.brief import BriefWarning, EntityMention, EntityReport
from service.errors import BriefsError
from service.glossary.cldr import CLDR_NAME
from service.glossary.detection import NameDetector
from service.glossary.entities import Entity, EntityFinder, Note, PlacedMention, SourceMention
from service.glossary.heuristic import HeuristicDetector
from service.glossary.learned import LearnedGlossary
from service.glossary.matcher import matcher_for
from service.glossary.model import ActiveGlossary
from service.glossary.restore import PlaceholderScheme, Protected, choose_scheme, restore
from service.glossary.shortref import FIRST, LAST, derive_short, family_place

LEARNED = "learned"  # rendered_by: the name's own translation, no glossary's


class TranslatorContractError(BriefsError):
    """The inner translator broke the one-output-per-input contract."""

    code, title = "translator-contract", "Translator returned the wrong number of outputs"


@dataclass
class GlossaryOutcome:
    """Translations per language (one per segment, in order), the entity report and repairs.

    ``detect_ms``: the time spent finding entities (glossary matching, detection, short
    references) for the whole batch, which the pipeline reports as the ``entities`` timing.
    """

    translations: dict[str, list[str]]
    entities: list[EntityReport]
    warnings: list[BriefWarning]
    glossary_key: str = ""
    # The engine's score of each translation (mean log-probability per token; None: none given).
    scores: dict[str, list[float | None]] = field(default_factory=dict)
    detect_ms: float = 0.0


@dataclass
class _Batch:
    """What translating one batch found, before it is reported per group of segments."""

    translations: dict[str, list[str]]
    entities: list[Entity]
    notes: list[Note]
    glossary_key: str
    scores: dict[str, list[float | None]] = field(default_factory=dict)
    detect_ms: float = 0.0


class GlossaryTranslator:
    """Wraps a Translator; enforces the active glossaries and the job's learned names.

    ``detector`` finds names no glossary knows (default: the heuristic detector); with
    ``detect_names=False`` only glossary entries are enforced.
    """

    def __init__(self, inner: Translator, active: ActiveGlossary | None = None, *,
                 learned: LearnedGlossary | None = None, detect_names: bool = True,
                 detector: NameDetector | None = None, checkpoint: Callable[[str], None] | None = None) -> None:
        if not hasattr(inner, "translate_batch"):
            raise TypeError(f"inner must be a Translator, not {type(inner).__name__}")
        self.inner = inner
        self.active = active if active is not None else ActiveGlossary()
        self.matcher = matcher_for(self.active)
        self.detect_names = detect_names
        self.detector = (detector or HeuristicDetector()) if detect_names else None
        self.learned = learned if learned is not None else LearnedGlossary()
        # Called for every segment matched and restored: the request's deadline stops a long batch there.
        self.checkpoint = checkpoint or (lambda _work: None)
        self.finder = EntityFinder(self.matcher, self.detector, self.learned, checkpoint=self.checkpoint)

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        """Translator interface: glossary-enforced translations, one per text."""
        ids = [str(i) for i in range(len(texts))]
        return self.translate_segments(texts, source_lang, [target_lang], ids).translations[target_lang]

    def translate_segments(self, segments: Sequence[str], source_lang: str,
                           target_langs: Sequence[str], segment_ids: Sequence[str],
                           context: Sequence[str] | None = None) -> GlossaryOutcome:
        """Translate all segments into every target language with entity enforcement and report."""
        return self.translate_groups(segments, source_lang, target_langs, [segment_ids],
                                     contexts=[context] if context is not None else None)[0]

    def translate_groups(self, segments: Sequence[str], source_lang: str, target_langs: Sequence[str],
                         groups: Sequence[Sequence[str]],
                         contexts: Sequence[Sequence[str] | None] | None = None) -> list[GlossaryOutcome]:
        """Translate all segments as one batch (one engine call per target language), reported per group.

        ``groups`` holds the segment ids of consecutive runs of ``segments`` (one run per
        article, say): each run gets its own outcome, naming its segments by its ids and
        holding only the entities mentioned in it. Warnings on no one segment go to every run.
        ``contexts`` gives each run's whole article (its sentences): the evidence the detector
        reads and where short references find their owner ("Park" → "Park Jin" in a sentence the
        summary left out). None: the run's own segments.
        """
        segments, target_langs = list(segments), list(dict.fromkeys(target_langs))
        n_ids = sum(len(ids) for ids in groups)
        if n_ids != len(segments):
            raise ValueError(f"{n_ids} segment ids for {len(segments)} segments")
        if any(not isinstance(s, str) for s in segments):
            raise TypeError("segments must be strings")
        if contexts is not None and len(contexts) != len(groups):
            raise ValueError(f"{len(contexts)} contexts for {len(groups)} groups")
        started = time.perf_counter()
        ranges, start = [], 0
        for ids in groups:
            ranges.append(range(start, start + len(ids)))
            start += len(ids)
        findings = self.finder.find(segments, ranges, contexts or [None] * len(groups))
        detect_ms = round((time.perf_counter() - started) * 1000, 2)
        entities, notes = findings.entities, findings.notes
        scheme = choose_scheme(segments)
        for lang in target_langs:  # every language first: a short rendering may depend on another's
            notes += [(None, w) for w in self._resolve_renderings(entities, lang, source_lang)]
        translations: dict[str, list[str]] = {}
        scores: dict[str, list[float | None]] = {}
        for lang in target_langs:
            translations[lang], scores[lang] = self._translate_lang(
                segments, findings.mentions, entities, scheme, source_lang, lang, notes)
        batch = _Batch(translations, list(entities.values()), notes, self.active.key(), scores, detect_ms)
        return _split(batch, groups)

    # -- renderings ----------------------------------------------------------------------------

    def _resolve_renderings(self, entities: dict[str, Entity], lang: str, source_lang: str) -> list[BriefWarning]:
        """Per language, the first glossary (the entry, then the same entity in later layers) that has a
        rendering, else the learned one (all new names translated in one call)."""
        warnings = []
        for entity in entities.values():
            if entity.glossary is None:
                continue
            chain = [(entity.entry, entity.glossary), *((f.entry, f.glossary) for f in entity.fallbacks)]
            found = next(((entry, name) for entry, name in chain if entry.renderings.get(lang, "").strip()), None)
            if found is None:
                warnings.append(BriefWarning(
                    "glossary-missing-rendering",
                    f"glossary {entity.glossary!r} has no {lang} rendering for {entity.source!r}; "
                    "used the name's own translation", None, lang))
                continue
            entry, name = found
            entity.renderings[lang] = entry.renderings[lang].strip()
            entity.rendered_by[lang] = name
            if entry.short_renderings.get(lang):
                entity.short_renderings[lang] = entry.short_renderings[lang]
        need = [e for e in entities.values() if lang not in e.renderings and self.detect_names]
        if need:
            learned = self.learned.render_many([e.source for e in need], lang, self.inner,
                                               source_lang=source_lang)
            for entity in need:
                learned_rendering = learned.get(entity.source)
                if learned_rendering:
                    entity.renderings[lang] = learned_rendering
                    entity.rendered_by[lang] = LEARNED
        return warnings

    @staticmethod
    def _short_rendering(entity: Entity, lang: str, place: str) -> str | None:
        """The rendering of a mention by one word of the name: the glossary's short rendering where
        that word is the family name, else one derived where that is certain (None: the full one)."""
        if place not in (FIRST, LAST):
            return None  # an institution's short form ("the Assembly") takes the full rendering
        given = entity.short_renderings.get(lang)
        if given and entity.glossary is not None and place in family_place(entity.renderings):
            return given
        rendering = entity.renderings.get(lang)
        return derive_short(rendering, lang, place, entity.renderings) if rendering else None

    # -- translating one language --------------------------------------------------------------

    def _protect(self, text: str, mentions: list[SourceMention], entities: dict[str, Entity],
                 scheme: PlaceholderScheme, lang: str) -> tuple[str, list[Protected]]:
        parts: list[str] = []
        protected: list[Protected] = []
        last = 0
        for m in mentions:
            entity = entities[m.entity]
            rendering = entity.renderings.get(lang)
            if not rendering:
                continue  # unresolved: the model sees the name and renders it as it will
            if m.place is not None:
                short = self._short_rendering(entity, lang, m.place)
                if short:
                    rendering = entity.short_renderings[lang] = short
            token = scheme.token(len(protected) + 1)
            if m.surface.endswith(".") and not text[m.end:].strip():
                token += "."  # "in the U.S." ends the sentence too
            parts += [text[last:m.start], token]
            last = m.end
            variants = (m.surface, entity.entry.source, *entity.entry.aliases,
                        *entity.entry.variants.get(lang, ()),
                        *((entity.renderings[lang],) if rendering != entity.renderings[lang] else ()))
            protected.append(Protected(len(protected) + 1, m.entity, m.surface, rendering,
                                       tuple(v for v in dict.fromkeys(variants) if v and v != rendering)))
        parts.append(text[last:])
        source = "".join(parts)
        return source, [self._placed(p, source, scheme) for p in protected]

    @staticmethod
    def _placed(mention: Protected, source: str, scheme: PlaceholderScheme) -> Protected:
        at = next((s for s, _e, i, _x in scheme.locate(source) if i == mention.index), 0)
        position = at / len(source) if source else 0.0
        return Protected(mention.index, mention.entity, mention.label, mention.rendering,
                         mention.variants, position)

    def _translate_lang(self, segments: list[str], found: list[list[SourceMention]],
                        entities: dict[str, Entity], scheme: PlaceholderScheme, source_lang: str, lang: str,
                        notes: list[Note]) -> tuple[list[str], list[float | None]]:
        prepared = [self._protect(t, ms, entities, scheme, lang) for t, ms in zip(segments, found, strict=True)]
        scored = translate_scored(self.inner, [p[0] for p in prepared], source_lang, lang)
        outputs = [s.text for s in scored]
        if len(outputs) != len(prepared):
            raise TranslatorContractError(
                f"the {source_lang}-{lang} translator returned {len(outputs)} outputs for {len(prepared)} inputs")
        results = []
        for position, ((_source, protected), output) in enumerate(zip(prepared, outputs, strict=True)):
            self.checkpoint("glossary restoring")
            restored = restore(output if isinstance(output, str) else "", protected, scheme, lang)
            for mention, start, end in restored.spans:
                entities[mention.entity].mentions.append(PlacedMention(position, lang, start, end))
            notes += [(position, BriefWarning(r.code, r.message, None, lang)) for r in restored.repairs]
            results.append(restored.text)
        return results, [s.score for s in scored]


def _split(batch: _Batch, groups: Sequence[Sequence[str]]) -> list[GlossaryOutcome]:
    """One outcome per group of consecutive segments, in one pass over the batch's findings."""
    owner = [(group, sid) for group, ids in enumerate(groups) for sid in ids]
    outcomes, start = [], 0
    for ids in groups:
        stop = start + len(ids)
        translations = {lang: texts[start:stop] for lang, texts in batch.translations.items()}
        scores = {lang: values[start:stop] for lang, values in batch.scores.items()}
        outcomes.append(GlossaryOutcome(translations, [], [], batch.glossary_key, scores, batch.detect_ms))
        start = stop
    for position, warning in batch.notes:
        if position is None:
            for outcome in outcomes:
                outcome.warnings.append(warning)
        else:
            group, sid = owner[position]
            outcomes[group].warnings.append(replace(warning, segment=sid))
    for entity in batch.entities:
        by_group: dict[int, list[EntityMention]] = {}
        for m in entity.mentions:
            group, sid = owner[m.position]
            by_group.setdefault(group, []).append(EntityMention(sid, m.lang, m.start, m.end))
        for group, mentions in by_group.items():
            outcomes[group].entities.append(_report(entity, mentions))
    return outcomes


def _report(entity: Entity, mentions: list[EntityMention]) -> EntityReport:
    if entity.glossary == CLDR_NAME:
        resolution, glossary = "cldr", None
    elif entity.glossary is not None:
        resolution, glossary = "glossary", entity.glossary
    else:
        resolution, glossary = ("learned" if entity.renderings else "unresolved"), None
    rendered_by = {lang: "cldr" if by == CLDR_NAME else by for lang, by in entity.rendered_by.items()}
    return EntityReport(source=entity.source, type=entity.type, resolution=resolution, glossary=glossary,
                        renderings=dict(entity.renderings), mentions=mentions, detector=entity.detector,
                        rendered_by=rendered_by, short_renderings=dict(entity.short_renderings))
