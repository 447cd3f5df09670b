"""The model registry: which model serves each task and language pair."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from service.errors import BadInputError, UnsupportedPairError
from service.settings import Settings

TASKS = ("translation", "summarization", "embedding", "ner")
# Architectures ctranslate2's converter cannot handle here: their pairs are served by
# transformers instead, with the reason shown by `models list` (not an error).
CT2_UNCONVERTIBLE = {
    "m2m100": "ctranslate2 cannot convert m2m100 under transformers 5 (its language tokens are missing "
              "from the tokenizer vocabulary)",
}


@dataclass(frozen=True)
class ModelSpec:
    """One configured model. ``model`` is a hub id; ``local_path`` overrides where it lives."""

    task: str
    key: str  # "en-ja" for translation, the summarizer name otherwise
    engine: str  # "transformers" | "ctranslate2" | "sentence-embeddings" | "spacy"
    model: str
    architecture: str = ""  # "marian" | "m2m100" | "nllb" | "mbart50" | "bart" | "bert" ...
    revision: str = "main"
    license: str = ""
    size_mb: float = 0.0
    non_commercial: bool = False
    local_path: str = ""
    pairs: tuple[str, ...] = ()
    tiny: bool = False
    lang_token: str = ""  # Marian multi-target ">>jpn<<"-style source token; "" = from the vocabulary
    fallback: str = ""  # why the configured engine was replaced (set by the registry, not by settings)

    @property
    def store_name(self) -> str:
        """Folder name of this model in the model store (hub id with '/' made safe)."""
        return self.model.replace("/", "--")

    def identity(self) -> list[str]:
        """What of this spec shapes a model's outputs: the key part of every cache entry it makes."""
        return [self.model, self.revision, self.engine, self.local_path]

    def signature(self) -> dict[str, Any]:
        """What a brief records about the model that produced it."""
        return {
            "model": self.model,
            "revision": self.revision,
            "engine": self.engine,
            "architecture": self.architecture,
            "license": self.license,
            **({"tiny": True} if self.tiny else {}),
        }


def _spec(task: str, key: str, raw: Mapping[str, Any], default_engine: str = "ctranslate2") -> ModelSpec:
    known = set(ModelSpec.__dataclass_fields__) - {"task", "key", "fallback"}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"unknown field(s) in model {task}.{key}: {', '.join(sorted(unknown))}")
    data = dict(raw)
    data["pairs"] = tuple(data.get("pairs", ()) or ((key,) if task == "translation" else ()))
    if task == "translation" and not data.get("engine"):
        data["engine"] = default_engine
    if task == "ner":
        data.setdefault("engine", "spacy")  # a spaCy pipeline: the one NER engine
    return with_engine_fallback(ModelSpec(task=task, key=key, **data))


def with_engine_fallback(spec: ModelSpec) -> ModelSpec:
    """``spec``, or its transformers form when ctranslate2 cannot convert its architecture.

    A ``local_path`` names a folder already in the configured form, so it is left alone.
    """
    reason = CT2_UNCONVERTIBLE.get(spec.architecture)
    if spec.engine != "ctranslate2" or reason is None or spec.local_path:
        return spec
    return replace(spec, engine="transformers", fallback=f"{reason}; served by transformers")


def original_spec(spec: ModelSpec) -> ModelSpec:
    """The transformers form of a ctranslate2 spec: what `models pull`/`import` fetch and keep.

    A ctranslate2 ``local_path`` points at the converted folder, so the original lives in
    the store under the model's name.
    """
    if spec.engine != "ctranslate2":
        return spec
    return replace(spec, engine="transformers", local_path="")


class ModelRegistry:
    """The configured models, read from ``settings.models``."""

    def __init__(self, settings: Settings) -> None:
        tables = settings.models
        engine = settings.translation.engine
        self._specs: dict[tuple[str, str], ModelSpec] = {}
        for task in TASKS:
            for key, raw in dict(tables.get(task, {})).items():
                self._specs[(task, key)] = _spec(task, key, raw, engine)
        self.catalog: tuple[ModelSpec, ...] = tuple(
            _spec(raw["task"], raw["model"], {k: v for k, v in raw.items() if k != "task"}, engine)
            for raw in tables.get("catalog", ())
        )

    def get(self, task: str, key: str) -> ModelSpec:
        """The spec for a task and key; UnsupportedPairError when none is configured."""
        try:
            return self._specs[(task, key)]
        except KeyError:
            if task == "translation":
                raise UnsupportedPairError(
                    f"no translation model is configured for {key}; configured pairs: "
                    f"{', '.join(self.pairs()) or 'none'}"
                ) from None
            raise ValueError(f"no {task} model named {key!r} is configured") from None

    def summarizer_spec(self, name: str) -> ModelSpec:
        """The spec that serves a summarizer name: a summarization model, or the embedding model
        behind ``extractive``; BadInputError for a name no model serves. Loading, provenance and
        cache keys all find a summarizer's model here."""
        for task in ("summarization", "embedding"):
            if (task, name) in self._specs:
                return self._specs[(task, name)]
        known = sorted({s.key for t in ("summarization", "embedding") for s in self.specs(t)})
        raise BadInputError(f"unknown summarizer {name!r}; configured: {', '.join(known) or 'none'}")

    def ner_spec(self) -> ModelSpec | None:
        """The configured NER pipeline (``[models.ner.<lang>]``), or None when none is configured."""
        found = self.specs("ner")
        return found[0] if found else None

    def pairs(self) -> list[str]:
        """Configured translation pairs such as ``en-ja``."""
        return sorted(k for (t, k) in self._specs if t == "translation")

    def specs(self, task: str | None = None) -> list[ModelSpec]:
        """Configured specs, optionally of one task."""
        return [s for (t, _), s in sorted(self._specs.items()) if task in (None, t)]
