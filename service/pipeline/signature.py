"""Provenance of a brief: which models, revisions, engines and glossaries produced it."""
from __future__ import annotations

from typing import Any

from service import __version__
from service.pipeline.request import BriefRequest
from service.runtime.resources import Resources


def model_provenance(
    request: BriefRequest, resources: Resources, *, summarized: bool = True
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Model signatures and engine names for a request, keyed by stage ('summarizer', 'en-ja', ...)."""
    models: dict[str, dict[str, Any]] = {}
    engines: dict[str, str] = {}
    manager = resources.models
    if summarized:
        name = request.summarizer or resources.settings.summarizer
        models["summarizer"] = {"name": name, **manager.summarizer_spec(name).signature()}
        engines["summarizer"] = name
    for target in request.target_langs:
        pair = f"{request.source_lang}-{target}"
        spec = manager.spec_for("translation", pair)
        models[pair] = spec.signature()
        engines[pair] = spec.engine
    detector = resources.name_detector()
    if detector is not None:  # which detector found the names no glossary knows
        pipeline = getattr(detector, "model", None)
        models["entities"] = {"detector": detector.name, "model": getattr(pipeline, "name", detector.name),
                              "revision": __version__ if pipeline is None else "", "engine": "spacy" if pipeline
                              else "rules"}
        engines["entities"] = detector.name
    return models, engines


def brief_signature(models: dict[str, dict[str, Any]], request: BriefRequest, glossary_key: str) -> str:
    """A sacrebleu-style one-line signature of versions and settings; ``glossary_key`` names
    the glossary layers that were applied."""
    parts = [f"briefs:{__version__}"]
    for stage, sig in models.items():
        parts.append(f"{stage}:{sig.get('model')}@{sig.get('revision')}/{sig.get('engine')}")
    parts.append(f"glossary:{glossary_key or ','.join(request.glossaries) or 'default'}")
    return "|".join(parts)
