"""The memory stage of the pipeline: human translations from memories replace or accompany model output.

After translate, every (segment, language) of a brief, its title included, is looked up: an exact match of the
source sentence replaces the model text (``provenance: "tm-exact"``); otherwise the best
match at or above ``memory.fuzzy_threshold`` is offered as a ``tm-suggestion`` warning with
its score. Memory text is never rewritten: the glossary is checked on it and a missing
rendering becomes a ``tm-glossary`` warning. Entity offsets are recomputed for replaced text.
"""
from __future__ import annotations

from collections.abc import Sequence

from service.brief import Brief, BriefWarning, EntityMention
from service.memory.files import MemoryMatch, match_key
from service.memory.protocols import Checkpoint, MemoryLookup
from service.settings import MemoryOptions
from service.storage.tenancy import OPERATOR, Tenant


def apply_memory(briefs: Sequence[Brief], store: MemoryLookup, options: MemoryOptions, *,
                 tenant: Tenant = OPERATOR, checkpoint: Checkpoint | None = None) -> None:
    """Reuse exact matches and add fuzzy suggestions in each brief, in place, from the memories
    ``tenant`` may read (its own and the shared ones; the default, the operator: every memory)."""
    if not options.enabled:
        return
    check = checkpoint or _no_check
    for brief in briefs:
        source_lang = brief.meta.source_lang or "en"
        for lang in brief.meta.target_langs:
            if not store.has_pair(source_lang, lang, tenant=tenant):
                continue
            units = brief.units()
            exact = store.exact(source_lang, lang, [s.en for s in units], tenant=tenant)
            for segment in units:
                check("translation-memory matching")
                match = exact.get(match_key(segment.en))
                if match is not None:
                    if segment.translations.get(lang) != match.target or segment.provenance.get(lang) != "tm-exact":
                        found = replace_translation(brief, segment.id, lang, match.target, "tm-exact")
                        brief.meta.warnings.extend(found)  # after it dropped the model text's warnings
                    continue
                for suggestion in store.fuzzy(source_lang, lang, segment.en, options.fuzzy_threshold,
                                              options.max_suggestions, tenant=tenant, checkpoint=check):
                    brief.meta.warnings.append(BriefWarning(
                        "tm-suggestion", f"translation memory {suggestion.memory} has a {suggestion.score:.0%} match "
                        f"({suggestion.source!r}): {suggestion.target}", segment.id, lang))


def _no_check(_work: str) -> None:
    """No deadline: the CLI and batch run unbounded."""


def segment_matches(store: MemoryLookup, source_lang: str, target_lang: str, source: str, *, threshold: float,
                    limit: int, tenant: Tenant = OPERATOR) -> list[MemoryMatch]:
    """The memories' translations of ``source`` that ``tenant`` may read: the exact match first, then up to
    ``limit`` in all of the fuzzy ones at or above ``threshold``, best first."""
    exact = store.exact(source_lang, target_lang, [source], tenant=tenant).get(match_key(source))
    found = [exact] if exact is not None else []
    if len(found) < limit:
        found += store.fuzzy(source_lang, target_lang, source, threshold, limit - len(found), tenant=tenant)
    return found


def replace_translation(brief: Brief, segment_id: str, lang: str, text: str, provenance: str) -> list[BriefWarning]:
    """Put ``text`` in as the translation, move entity mentions onto it, and report what the glossary misses.

    Warnings about the replaced text (repairs, alignment, suggestions) are dropped from the brief
    (``brief.meta.warnings`` is a new list afterwards); returns the new ones, which the caller adds
    in a second statement: a glossary rendering the new text lacks, for an entity the English mentions.
    """
    segment = next(s for s in brief.units() if s.id == segment_id)
    brief.meta.warnings = [w for w in brief.meta.warnings if not (w.segment == segment_id and w.lang == lang)]
    segment.translations[lang] = text
    segment.provenance[lang] = provenance
    warnings = []
    for entity in brief.entities:
        in_source = any(m.segment == segment_id and m.lang == "en" for m in entity.mentions)
        entity.mentions = [m for m in entity.mentions if not (m.segment == segment_id and m.lang == lang)]
        rendering = entity.renderings.get(lang, "")
        found = _occurrences(text, rendering) if rendering else []
        short = entity.short_renderings.get(lang, "")
        if short and short != rendering:  # a mention by family name alone was rendered short (朴 for Park Jin)
            found += [span for span in _occurrences(text, short)
                      if not any(start <= span[0] < end for start, end in found)]
        entity.mentions += [EntityMention(segment_id, lang, start, end) for start, end in found]
        if in_source and rendering and not found:
            kind = "glossary" if entity.resolution == "glossary" else "learned name"
            warnings.append(BriefWarning(
                "tm-glossary" if provenance == "tm-exact" else "entity-missing",
                f"the {provenance} translation does not contain the {kind} rendering {rendering!r} "
                f"of {entity.source!r}; kept as written", segment_id, lang))
    return warnings


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    out, start = [], text.find(needle)
    while start != -1:
        out.append((start, start + len(needle)))
        start = text.find(needle, start + len(needle))
    return out
