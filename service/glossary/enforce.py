"""The glossary layer: a Translator wrapper that renders every entity the glossary way, exactly once.

Mechanism: each matched entity (glossary entry or learned name) in the English is replaced by a
placeholder, every sentence of every segment goes to the inner translator in ONE batch per target
language, and ``restore`` puts the renderings back, repairing whatever the model did to the
placeholders. Each repair becomes a BriefWarning; every mention gets exact offsets.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from models.engines.base import Translator, translate_scored
from service.brief import BriefWarning, EntityMention, EntityReport
from service.errors import BriefsError
from service.glossary.learned import LEARNED_GLOSSARY_NAME, LearnedGlossary, detect_candidate_names, is_demonym_of
from service.glossary.matcher import EntityMatch, EntityMatcher, matcher_for
from service.glossary.model import ActiveGlossary, Glossary, GlossaryEntry
from service.glossary.restore import PlaceholderScheme, Protected, choose_scheme, restore

LEARNED = "learned"  # rendered_by: the name's own translation, no glossary's


class TranslatorContractError(BriefsError):
    """The inner translator broke the one-output-per-input contract."""

    code, title = "translator-contract", "Translator returned the wrong number of outputs"


@dataclass
class GlossaryOutcome:
    """Translations per language (one per segment, in order), the entity report and repairs."""

    translations: dict[str, list[str]]
    entities: list[EntityReport]
    warnings: list[BriefWarning]
    glossary_key: str = ""
    # The engine's score of each translation (mean log-probability per token; None: none given).
    scores: dict[str, list[float | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class _PlacedMention:
    """A mention in one segment, named by the segment's position in the batch."""

    position: int
    lang: str
    start: int
    end: int


# A warning and the batch position of its segment (None: it concerns no one segment).
_Note = tuple[int | None, BriefWarning]


@dataclass
class _Entity:
    key: str
    source: str
    type: str
    glossary: str | None  # None for learned names
    entry: GlossaryEntry
    renderings: dict[str, str] = field(default_factory=dict)
    mentions: list[_PlacedMention] = field(default_factory=list)
    rendered_by: dict[str, str] = field(default_factory=dict)  # per language: a glossary's name or "learned"


@dataclass
class _Batch:
    """What translating one batch found, before it is reported per group of segments."""

    translations: dict[str, list[str]]
    entities: list[_Entity]
    notes: list[_Note]
    glossary_key: str
    scores: dict[str, list[float | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class _SourceMention:
    start: int
    end: int
    surface: str
    entity: str


class GlossaryTranslator:
    """Wraps a Translator; enforces the active glossaries and the job's learned names."""

    def __init__(self, inner: Translator, active: ActiveGlossary | None = None, *,
                 learned: LearnedGlossary | None = None, detect_names: bool = True,
                 checkpoint: Callable[[str], None] | None = None) -> None:
        if not hasattr(inner, "translate_batch"):
            raise TypeError(f"inner must be a Translator, not {type(inner).__name__}")
        self.inner = inner
        self.active = active if active is not None else ActiveGlossary()
        self.matcher = matcher_for(self.active)
        self.detect_names = detect_names
        self.learned = learned if learned is not None else LearnedGlossary()
        self._learned_cache: tuple[int, EntityMatcher] | None = None
        # Called for every segment matched and restored: the request's deadline stops a long batch there.
        self.checkpoint = checkpoint or (lambda _work: None)

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        """Translator interface: glossary-enforced translations, one per text."""
        ids = [str(i) for i in range(len(texts))]
        return self.translate_segments(texts, source_lang, [target_lang], ids).translations[target_lang]

    def translate_segments(self, segments: Sequence[str], source_lang: str,
                           target_langs: Sequence[str], segment_ids: Sequence[str]) -> GlossaryOutcome:
        """Translate all segments into every target language with entity enforcement and report."""
        return self.translate_groups(segments, source_lang, target_langs, [segment_ids])[0]

    def translate_groups(self, segments: Sequence[str], source_lang: str, target_langs: Sequence[str],
                         groups: Sequence[Sequence[str]]) -> list[GlossaryOutcome]:
        """Translate all segments as one batch (one engine call per target language), reported per group.

        ``groups`` holds the segment ids of consecutive runs of ``segments`` (one run per
        article, say): each run gets its own outcome, naming its segments by its ids and
        holding only the entities mentioned in it. Warnings on no one segment go to every run.
        """
        segments, target_langs = list(segments), list(dict.fromkeys(target_langs))
        n_ids = sum(len(ids) for ids in groups)
        if n_ids != len(segments):
            raise ValueError(f"{n_ids} segment ids for {len(segments)} segments")
        if any(not isinstance(s, str) for s in segments):
            raise TypeError("segments must be strings")
        entities: dict[str, _Entity] = {}
        notes: list[_Note] = []
        found = [self._find(position, text, entities, notes) for position, text in enumerate(segments)]
        scheme = choose_scheme(segments)
        translations: dict[str, list[str]] = {}
        scores: dict[str, list[float | None]] = {}
        for lang in target_langs:
            notes += [(None, w) for w in self._resolve_renderings(entities, lang, source_lang)]
            translations[lang], scores[lang] = self._translate_lang(
                segments, found, entities, scheme, source_lang, lang, notes)
        return _split(_Batch(translations, list(entities.values()), notes, self.active.key(), scores), groups)

    # -- finding entities ----------------------------------------------------------------------

    def _find(self, position: int, text: str, entities: dict[str, _Entity],
              notes: list[_Note]) -> list[_SourceMention]:
        """The mentions in the segment at ``position``, recorded on their entities."""
        self.checkpoint("glossary matching")
        mentions, suggestions = self._mentions(text, entities)
        notes += [(position, BriefWarning("glossary-possible-misspelling", message)) for message in suggestions]
        for m in mentions:
            entities[m.entity].mentions.append(_PlacedMention(position, "en", m.start, m.end))
        return mentions

    def _mentions(self, text: str, entities: dict[str, _Entity]) -> tuple[list[_SourceMention], list[str]]:
        """The entity mentions of one segment, and notes on names that look like glossary typos."""
        tagged = [(m, False) for m in self.matcher.find(text)]
        suggestions = []
        if self.detect_names:
            spans = [(m.start, m.end) for m, _ in tagged]
            for span in detect_candidate_names(text, spans):
                near = self.matcher.closest(span.name)
                if near is not None and near.entry.type == "place" and is_demonym_of(span.name, near.entry.source):
                    continue  # "South Korean soil": the adjective of a known place, neither a name nor a typo
                if near is not None:
                    suggestions.append(f"{span.name!r} is not in any glossary; did the text mean "
                                       f"{near.entry.source!r} (glossary {near.glossary!r})?")
                self.learned.note(span.name, span.kind)
            tagged += [(m, True) for m in self._learned_matcher().find(text, exclude=spans)]
            tagged.sort(key=lambda t: t[0].start)
        mentions = [_SourceMention(m.start, m.end, m.surface, self._entity_key(m, learned, entities))
                    for m, learned in tagged]
        return mentions, suggestions

    def _learned_matcher(self) -> EntityMatcher:
        """A matcher over the learned names, rebuilt only when a name was added.

        Learned names only grow, so their count identifies the set; rebuilding for every
        segment cost ~45 ms a segment once a batch job had learned 2,000 names.
        """
        names = self.learned.names()
        cached = self._learned_cache
        if cached is not None and cached[0] == len(names):
            return cached[1]
        entries = tuple(GlossaryEntry(source=name, renderings={}, type=self.learned.kind(name)) for name in names)
        matcher = EntityMatcher(ActiveGlossary((Glossary(LEARNED_GLOSSARY_NAME, entries),)))
        self._learned_cache = (len(names), matcher)
        return matcher

    @staticmethod
    def _entity_key(match: EntityMatch, learned: bool, entities: dict[str, _Entity]) -> str:
        key = f"learned:{match.entry.source}" if learned else f"glossary:{match.glossary}:{match.entry.source}"
        if key not in entities:
            entities[key] = _Entity(key, match.entry.source, match.entry.type,
                                    None if learned else match.glossary, match.entry)
        return key

    def _resolve_renderings(self, entities: dict[str, _Entity], lang: str, source_lang: str) -> list[BriefWarning]:
        """Glossary renderings, else the learned one (all new names translated in one call)."""
        warnings = []
        for entity in entities.values():
            rendering = entity.entry.renderings.get(lang, "").strip()
            if rendering:
                entity.renderings[lang] = rendering
                entity.rendered_by[lang] = entity.glossary or LEARNED
            elif entity.glossary is not None:
                warnings.append(BriefWarning(
                    "glossary-missing-rendering",
                    f"glossary {entity.glossary!r} has no {lang} rendering for {entity.source!r}; "
                    "used the name's own translation", None, lang))
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

    # -- translating one language --------------------------------------------------------------

    def _protect(self, text: str, mentions: list[_SourceMention], entities: dict[str, _Entity],
                 scheme: PlaceholderScheme, lang: str) -> tuple[str, list[Protected]]:
        parts: list[str] = []
        protected: list[Protected] = []
        last = 0
        for m in mentions:
            entity = entities[m.entity]
            rendering = entity.renderings.get(lang)
            if not rendering:
                continue  # unresolved: the model sees the name and renders it as it will
            token = scheme.token(len(protected) + 1)
            if m.surface.endswith(".") and not text[m.end:].strip():
                token += "."  # "in the U.S." ends the sentence too
            parts += [text[last:m.start], token]
            last = m.end
            variants = (m.surface, entity.entry.source, *entity.entry.aliases,
                        *entity.entry.variants.get(lang, ()))
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

    def _translate_lang(self, segments: list[str], found: list[list[_SourceMention]],
                        entities: dict[str, _Entity], scheme: PlaceholderScheme, source_lang: str, lang: str,
                        notes: list[_Note]) -> tuple[list[str], list[float | None]]:
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
                entities[mention.entity].mentions.append(_PlacedMention(position, lang, start, end))
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
        outcomes.append(GlossaryOutcome(translations, [], [], batch.glossary_key, scores))
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


def _report(entity: _Entity, mentions: list[EntityMention]) -> EntityReport:
    resolution = "glossary" if entity.glossary is not None else "learned" if entity.renderings else "unresolved"
    return EntityReport(source=entity.source, type=entity.type, resolution=resolution,
                        glossary=entity.glossary, renderings=dict(entity.renderings), mentions=mentions,
                        rendered_by=dict(entity.rendered_by))
