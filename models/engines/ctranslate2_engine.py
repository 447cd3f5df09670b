"""Translation with ctranslate2 (int8 on CPU by default).

The converted folder (``models.convert``) carries the original tokenizer files,
so tokenization uses the same transformers tokenizer as the transformers engine
and the same language plan: Marian's ``>>xxx<<`` source token, or the M2M100 /
NLLB target language as ``target_prefix``. ``Seq2SeqTranslator`` runs each batch;
``ctranslate2.Translator`` is safe to call from several threads, so only the
tokenizer sits behind a lock. ``translator_kwargs`` and ``translate_kwargs`` are
the one place the translation settings become ctranslate2 arguments.

Scores: ``return_scores`` costs nothing extra; with ctranslate2's default ``length_penalty`` of 1
the score of a hypothesis is its log-probability divided by its length (end of sentence included),
the mean log-probability per token the quality signals use.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.engines.base import Seq2SeqTranslator, source_token_limit
from models.engines.transformers_engine import load_tokenizer
from models.langcodes import LanguagePlan
from models.registry import ModelSpec
from models.store import check_model_dir
from models.threads import MAX_SUB_BATCH, sub_batch_size
from service.errors import DependencyMissingError, ModelCorruptError
from service.settings import TranslationOptions

DEFAULT_COMPUTE_TYPE = "int8"


def import_ctranslate2() -> Any:
    """The ctranslate2 module, or DependencyMissingError with the install hint."""
    try:
        import ctranslate2
    except ImportError:
        raise DependencyMissingError(
            "the ctranslate2 engine needs the ctranslate2 package: pip install ctranslate2"
        ) from None
    return ctranslate2


def translator_kwargs(options: TranslationOptions, compute_type: str) -> dict[str, Any]:
    """``ctranslate2.Translator`` arguments from the translation settings (0 threads: the library decides;
    ``models.threads.plan_threads`` fills them from the machine before the manager loads an engine)."""
    return {"device": "cpu", "compute_type": compute_type, "inter_threads": max(1, options.inter_threads),
            "intra_threads": max(0, options.intra_threads or options.threads)}


def translate_kwargs(options: TranslationOptions, count: int = 0) -> dict[str, Any]:
    """``Translator.translate_batch`` arguments for a call of ``count`` sentences (without the length floor):
    the call is split into sub-batches that keep every ``inter_threads`` busy."""
    max_batch = options.max_batch_size if options.max_batch_size > 0 else MAX_SUB_BATCH
    return {"beam_size": max(1, options.beam_size),
            "max_batch_size": sub_batch_size(count, options.inter_threads, max_batch),
            "max_decoding_length": max(2, options.max_length), "return_scores": True}


@dataclass(frozen=True)
class Hypotheses:
    """The best hypothesis per source: its tokens and its score (mean log-probability per token)."""

    tokens: list[list[str]]
    scores: list[float | None]


class CTranslate2Translator(Seq2SeqTranslator[list[list[str]], Hypotheses]):
    """Translator on a ctranslate2-converted seq2seq model; the whole batch goes to ctranslate2,
    which splits it by ``max_batch_size`` itself."""

    def __init__(self, spec: ModelSpec, path: Path | str, options: TranslationOptions,
                 compute_type: str = DEFAULT_COMPUTE_TYPE) -> None:
        ctranslate2 = import_ctranslate2()
        model_dir = Path(path)
        check_model_dir(model_dir, "ctranslate2", "ctranslate2 model")
        try:
            self.translator = ctranslate2.Translator(str(model_dir), **translator_kwargs(options, compute_type))
        except (RuntimeError, ValueError) as exc:
            raise ModelCorruptError(f"ctranslate2 model at {model_dir} is corrupt: {exc}",
                                    file="model.bin") from None
        tokenizer = load_tokenizer(str(model_dir), local=True, revision=spec.revision)
        super().__init__(spec, options, tokenizer, source_token_limit(tokenizer, _source_positions(model_dir)))
        self._max_decoding_length = translate_kwargs(options)["max_decoding_length"]
        self._min_length = _min_new_tokens(model_dir)

    def preprocess(self, texts: Sequence[str], plan: LanguagePlan) -> list[list[str]]:
        """Source token lists (with the plan's language tokens) for ``texts``."""
        encoded = self.encode(texts, plan)
        with self._tokenizer_lock:
            return [self.tokenizer.convert_ids_to_tokens(ids) for ids in encoded["input_ids"]]

    def forward(self, encoded: list[list[str]], plan: LanguagePlan) -> Hypotheses:
        """Best hypothesis tokens and score per source, from ``Translator.translate_batch``."""
        prefix = [[plan.target_token] for _ in encoded] if plan.target_token else None
        # The target prefix counts towards the length, so the model's own floor moves up by one.
        floor = self._min_length + (1 if prefix else 0)
        results = self.translator.translate_batch(
            encoded, target_prefix=prefix, **translate_kwargs(self.options, len(encoded)),
            min_decoding_length=min(floor, self._max_decoding_length),
        )
        return Hypotheses([result.hypotheses[0] for result in results],
                          [float(result.scores[0]) if result.scores else None for result in results])

    def postprocess(self, generated: Hypotheses, plan: LanguagePlan) -> list[str]:
        """Decoded, stripped strings without the target language token."""
        with self._tokenizer_lock:
            rows = [self.tokenizer.convert_tokens_to_ids(tokens) for tokens in generated.tokens]
        return self.decode(rows, plan)

    def scores(self, generated: Hypotheses, count: int) -> list[float | None]:
        """ctranslate2's score of each hypothesis: log-probability / length (``length_penalty`` 1)."""
        return list(generated.scores)


def _source_positions(model_dir: Path) -> int | None:
    """The original model's ``max_position_embeddings``, recorded in config.json by models.convert."""
    try:
        value = json.loads((model_dir / "config.json").read_text(encoding="utf-8")).get("max_position_embeddings")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        return None
    return value if isinstance(value, int) and value > 0 else None


def _min_new_tokens(model_dir: Path) -> int:
    """``min_new_tokens`` from a copied generation_config.json (0 when absent)."""
    path = model_dir / "generation_config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return 0
    value = data.get("min_new_tokens") or data.get("min_length") or 0
    return int(value) if isinstance(value, int) and value > 0 else 0
