"""Abstractive summaries with any transformers seq2seq summarizer (BART, PEGASUS, T5).

The model writes new text, handed over as written (one item with no
``source_index``): the service splits it into sentences and traces each back to
the article sentence it shares the most words with (:func:`best_source`), or to
none when the overlap is negligible, so the brief shows it as unsourced rather than
pinning it to a sentence it did not come from (``service/summary_policy.py``).
"""
from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.registry import ModelSpec
from models.summarizers.base import SourceSentence, SummarySentence
from service.errors import DependencyMissingError, ModelCorruptError, ModelMissingError
from service.settings import SummaryOptions

_T5_PREFIX = "summarize: "
_T5_TYPES = frozenset({"t5", "mt5", "umt5", "longt5"})
# Below this share of its content words found in one source sentence, an output
# sentence is not attributed to any.
_MIN_OVERLAP = 0.3
# Input cap when neither tokenizer nor config states one (BART and PEGASUS use 1024).
_FALLBACK_MAX_INPUT = 1024
_WORD_RE = re.compile(r"\w+")
_STOPWORDS = frozenset(
    "a an the and or but of in on at to for with by from as is are was were be been has have had "
    "it its this that these those he she they we i you his her their our not no will would said".split()
)


class AbstractiveSummarizer:
    """Runs a seq2seq summarization model; loads it once, at construction."""

    name = "abstractive"

    def __init__(
        self, spec: ModelSpec, path: Path | str, options: SummaryOptions, *, max_length: int = 142
    ) -> None:
        if max_length < 1:
            raise ValueError(f"max_length must be >= 1, got {max_length}")
        self.spec = spec
        self.options = options
        self.max_length = max_length
        self._lock = threading.Lock()
        self._tokenizer, self._model = _load(spec, path)
        model_type = getattr(self._model.config, "model_type", "")
        self._prefix = _T5_PREFIX if model_type in _T5_TYPES or spec.architecture in _T5_TYPES else ""
        self._max_input = _max_input_tokens(self._tokenizer, self._model.config)

    def summarize(self, sentences: Sequence[str | SourceSentence], count: int) -> list[SummarySentence]:
        """The model's summary as one written item (``source_index`` None), or none for an
        empty article; ``count`` is applied when the service splits it into sentences."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be an integer >= 1, got {count!r}")
        texts = self.preprocess(sentences)
        if not texts:
            return []
        return self.postprocess(self.forward(texts))

    def preprocess(self, sentences: Sequence[str | SourceSentence]) -> list[str]:
        """The article's sentence texts (headlines included: they help the model)."""
        if isinstance(sentences, str):
            raise TypeError("summarize takes a sequence of sentences, not one string")
        return [t for t in (str(getattr(s, "text", s)).strip() for s in sentences) if t]

    def forward(self, texts: list[str]) -> str:
        """The model's summary of the joined article, truncated to the model's input size."""
        import torch

        source = self._prefix + " ".join(texts)
        encoded = self._tokenizer(
            [source], truncation=True, max_length=self._max_input, return_tensors="pt"
        )
        encoded.pop("token_type_ids", None)
        with self._lock, torch.inference_mode():
            output = self._model.generate(**encoded, max_length=self.max_length)
        return self._tokenizer.decode(output[0], skip_special_tokens=True).strip()

    def postprocess(self, generated: str) -> list[SummarySentence]:
        """The written text as one unsourced item; nothing when the model wrote nothing."""
        return [SummarySentence(generated, None)] if generated else []


def best_source(sentence: str, sources: Sequence[str]) -> int | None:
    """Index of the source sentence sharing the largest share of ``sentence``'s content
    words, or None when no source shares at least ``_MIN_OVERLAP`` of them."""
    words = _content_words(sentence)
    if not words:
        return None
    best_index, best_share = None, 0.0
    for index, source in enumerate(sources):
        share = len(words & _content_words(source)) / len(words)
        if share > best_share:
            best_index, best_share = index, share
    return best_index if best_share >= _MIN_OVERLAP else None


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD_RE.findall(text.lower()) if w not in _STOPWORDS}


def _max_input_tokens(tokenizer: Any, config: Any) -> int:
    limits = [getattr(config, "max_position_embeddings", None), getattr(tokenizer, "model_max_length", None)]
    # Tokenizers without a limit report a huge sentinel (int(1e30)).
    usable = [int(v) for v in limits if isinstance(v, int) and 0 < v < 100_000]
    return min(usable) if usable else _FALLBACK_MAX_INPUT


def _load(spec: ModelSpec, path: Path | str) -> tuple[Any, Any]:
    try:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
    except ImportError:
        raise DependencyMissingError(
            "abstractive summaries need torch and transformers; "
            "install them with `pip install torch transformers sentencepiece`"
        ) from None
    local = Path(path)
    is_local = local.is_dir()
    if not is_local and (isinstance(path, Path) or local.is_absolute() or local.exists()):
        raise ModelMissingError(f"summarization model {spec.model} not found at {local}", model=spec.model)
    if is_local and not (local / "config.json").is_file():
        raise ModelCorruptError(f"summarization model folder {local} has no config.json", model=spec.model)
    source = str(local) if is_local else str(path)
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=is_local)
        model = AutoModelForSeq2SeqLM.from_pretrained(source, local_files_only=is_local)
    # Loaders raise many types for a bad folder (OSError, ValueError, SafetensorError...).
    except Exception as exc:  # noqa: BLE001
        if is_local:
            raise ModelCorruptError(
                f"cannot load the summarization model in {local}: {exc}", model=spec.model
            ) from exc
        raise ModelMissingError(f"cannot fetch summarization model {source}: {exc}", model=spec.model) from exc
    model.eval()
    return tokenizer, model
