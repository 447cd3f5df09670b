"""Translation engines by name; each is imported only when first used."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from models.engines.base import Translator
from models.registry import ModelSpec
from service.settings import TranslationOptions

EngineFactory = Callable[[ModelSpec, "Path | str", TranslationOptions], Translator]


def _transformers(spec: ModelSpec, path: Path | str, options: TranslationOptions) -> Translator:
    from models.engines.transformers_engine import TransformersTranslator

    return TransformersTranslator(spec, path, options)


def _ctranslate2(spec: ModelSpec, path: Path | str, options: TranslationOptions) -> Translator:
    from models.engines.ctranslate2_engine import CTranslate2Translator

    return CTranslate2Translator(spec, path, options)


ENGINES: dict[str, EngineFactory] = {
    "transformers": _transformers,
    "ctranslate2": _ctranslate2,
}


def create_translator(spec: ModelSpec, path: Path | str, options: TranslationOptions) -> Translator:
    """Load the translator for ``spec`` from ``path`` with the engine it names."""
    factory = ENGINES.get(spec.engine)
    if factory is None:
        raise ValueError(f"unknown translation engine {spec.engine!r}; known engines: {', '.join(sorted(ENGINES))}")
    return factory(spec, path, options)
