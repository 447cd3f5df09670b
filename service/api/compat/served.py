"""Which language pairs this deployment serves (from the configured translation models)."""
from __future__ import annotations

from service.runtime.resources import Resources


def served_pairs(resources: Resources) -> dict[str, list[str]]:
    """Source language -> its target languages, for every configured translation pair."""
    pairs: dict[str, list[str]] = {}
    for row in resources.models.status():
        if row.get("task") == "translation":
            source, _, target = str(row["key"]).partition("-")
            pairs.setdefault(source, [])
            if target not in pairs[source]:
                pairs[source].append(target)
    return {source: sorted(targets) for source, targets in sorted(pairs.items())}


def served_languages(resources: Resources) -> list[str]:
    """Every language that is a source or a target of some served pair, sorted."""
    pairs = served_pairs(resources)
    return sorted(set(pairs) | {t for targets in pairs.values() for t in targets})


def detection_candidates(resources: Resources, target: str) -> list[str]:
    """The languages a text without a stated source may be in for a translation into ``target``: the
    sources that translate into it (the configured ``source_lang`` first: an unsure text is taken to
    be in the first), then ``target`` itself (a text already in it is answered as it is)."""
    preferred = resources.settings.source_lang
    sources = sorted((s for s, targets in served_pairs(resources).items() if target in targets),
                     key=lambda s: (s != preferred, s))
    return [*sources, target] if sources else [target]
