"""Abstractive summaries with a seq2seq summarizer (BART, PEGASUS, T5), on ctranslate2 or transformers.

The engine is the spec's: ``ctranslate2`` (the default for BART, int8, from the
converted copy ``models pull``/``import``/``build-tiny`` write next to the
original) or ``transformers`` (the original folder). Both read the model's own
generation settings (beams, lengths, n-gram blocking) so they write the same kind
of summary; ``ct2_generation_kwargs`` is the one place those become ctranslate2
arguments.

The model writes new text, handed over as written (one item with no
``source_index``): the service splits it into sentences and traces each back to
the article sentence it shares the most words with (:func:`best_source`), or to
none when the overlap is negligible, so the brief shows it as unsourced rather than
pinning it to a sentence it did not come from (``service/pipeline/summary_policy.py``).
"""
from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

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
CT2_COMPUTE_TYPE = "int8"


class _Writer(Protocol):
    """One engine's way from the article text to the written summary."""

    model_type: str
    max_input: int

    def write(self, source: str, max_length: int) -> str: ...


class AbstractiveSummarizer:
    """Runs a seq2seq summarization model; loads it once, at construction, on the spec's engine."""

    name = "abstractive"

    def __init__(
        self, spec: ModelSpec, path: Path | str, options: SummaryOptions, *, max_length: int = 142
    ) -> None:
        if max_length < 1:
            raise ValueError(f"max_length must be >= 1, got {max_length}")
        self.spec = spec
        self.options = options
        self.max_length = max_length
        self.engine = "ctranslate2" if spec.engine == "ctranslate2" else "transformers"
        writer: _Writer = (_CTranslate2Writer(spec, Path(path)) if self.engine == "ctranslate2"
                           else _TransformersWriter(spec, path))
        self._writer = writer
        t5 = writer.model_type in _T5_TYPES or spec.architecture in _T5_TYPES
        self._prefix = _T5_PREFIX if t5 else ""
        self._max_input = writer.max_input

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
        return self._writer.write(self._prefix + " ".join(texts), self.max_length).strip()

    def postprocess(self, generated: str) -> list[SummarySentence]:
        """The written text as one unsourced item; nothing when the model wrote nothing."""
        return [SummarySentence(generated, None)] if generated else []


class _TransformersWriter:
    """``generate`` on the original model; the model's generation config applies."""

    def __init__(self, spec: ModelSpec, path: Path | str) -> None:
        self._tokenizer, self._model = _load(spec, path)
        self._lock = threading.Lock()
        self.model_type = str(getattr(self._model.config, "model_type", ""))
        self.max_input = _max_input_tokens(self._tokenizer, self._model.config)

    def write(self, source: str, max_length: int) -> str:
        import torch

        with self._lock:
            encoded = self._tokenizer([source], truncation=True, max_length=self.max_input, return_tensors="pt")
        encoded.pop("token_type_ids", None)
        with torch.inference_mode():
            output = self._model.generate(**encoded, max_length=max_length)
        with self._lock:
            return str(self._tokenizer.decode(output[0], skip_special_tokens=True))


class _CTranslate2Writer:
    """``ctranslate2.Translator`` on the converted model (int8). The translator is thread-safe; only
    the tokenizer (whose truncation setting is state) sits behind a lock, never the model call."""

    def __init__(self, spec: ModelSpec, path: Path) -> None:
        from models.engines.ctranslate2_engine import import_ctranslate2
        from models.engines.transformers_engine import load_tokenizer
        from models.store import check_model_dir
        from models.threads import available_cores

        ctranslate2 = import_ctranslate2()
        try:
            check_model_dir(path, "ctranslate2", f"summarization model {spec.model}")
        except ModelCorruptError:
            raise
        except ModelMissingError as exc:
            raise ModelMissingError(str(exc), model=spec.model) from None
        try:
            # One article per call: all cores on it (intra), one call at a time per core set.
            self._translator = ctranslate2.Translator(str(path), device="cpu", compute_type=CT2_COMPUTE_TYPE,
                                                      inter_threads=1, intra_threads=available_cores())
        except (RuntimeError, ValueError) as exc:
            raise ModelCorruptError(f"ctranslate2 summarization model at {path} is corrupt: {exc}",
                                    file="model.bin", model=spec.model) from None
        self._tokenizer = load_tokenizer(str(path), local=True, revision=spec.revision)
        self._lock = threading.Lock()
        config = _read_json(path / "config.json")
        self.model_type = str(config.get("model_type", ""))
        self.max_input = _max_input_tokens(self._tokenizer, _Positions(config.get("max_position_embeddings")))
        self._generation = _read_json(path / "generation_config.json")
        forced = self._generation.get("forced_bos_token_id")
        self._prefix = ([self._tokenizer.convert_ids_to_tokens(forced)]
                        if isinstance(forced, int) and forced >= 0 else None)

    def write(self, source: str, max_length: int) -> str:
        with self._lock:
            ids = self._tokenizer(source, truncation=True, max_length=self.max_input)["input_ids"]
            tokens = self._tokenizer.convert_ids_to_tokens(ids)
        results = self._translator.translate_batch(
            [tokens], target_prefix=[self._prefix] if self._prefix else None,
            **ct2_generation_kwargs(self._generation, max_length))
        hypothesis = results[0].hypotheses[0]
        with self._lock:
            return str(self._tokenizer.decode(self._tokenizer.convert_tokens_to_ids(hypothesis),
                                              skip_special_tokens=True))


def ct2_generation_kwargs(generation: Mapping[str, Any], max_length: int) -> dict[str, Any]:
    """``translate_batch`` arguments from a transformers generation config, with ``max_length`` as
    ``generate(max_length=...)`` takes it (the decoder start token counted, as in ``min_length``)."""
    def number(key: str, default: float) -> float:
        value = generation.get(key)
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default

    longest = max(1, max_length - 1)
    min_new = int(number("min_new_tokens", 0)) or max(0, int(number("min_length", 0)) - 1)
    return {
        "beam_size": max(1, int(number("num_beams", 1))),
        "length_penalty": number("length_penalty", 1.0),
        "repetition_penalty": number("repetition_penalty", 1.0),
        "no_repeat_ngram_size": max(0, int(number("no_repeat_ngram_size", 0))),
        "max_decoding_length": longest,
        "min_decoding_length": min(max(1, min_new), longest),
        "max_input_length": 0,  # the tokenizer already truncated to the model's positions
    }


class _Positions:
    """A config stand-in carrying only ``max_position_embeddings``."""

    def __init__(self, value: object) -> None:
        self.max_position_embeddings = value


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


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
    except Exception as exc:
        if is_local:
            raise ModelCorruptError(
                f"cannot load the summarization model in {local}: {exc}", model=spec.model
            ) from exc
        raise ModelMissingError(f"cannot fetch summarization model {source}: {exc}", model=spec.model) from exc
    model.eval()
    return tokenizer, model
