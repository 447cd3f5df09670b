"""Translation with ctranslate2 (int8 on CPU by default).

The converted folder (``models.convert``) carries the original tokenizer files,
so tokenization uses the same transformers tokenizer as the transformers engine
and the same language plan: Marian's ``>>xxx<<`` source token, or the M2M100 /
NLLB target language as ``target_prefix``. ``Seq2SeqTranslator`` runs each batch;
``ctranslate2.Translator`` is safe to call from several threads, so only the
tokenizer sits behind a lock. ``translator_kwargs`` and ``translate_kwargs`` are
the one place the translation settings become ctranslate2 arguments.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.engines.base import Seq2SeqTranslator
from models.engines.transformers_engine import load_tokenizer
from models.langcodes import LanguagePlan
from models.registry import ModelSpec
from models.store import check_model_dir
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
    """``ctranslate2.Translator`` arguments from the translation settings."""
    return {"device": "cpu", "compute_type": compute_type, "intra_threads": max(0, options.threads)}


def translate_kwargs(options: TranslationOptions) -> dict[str, Any]:
    """``Translator.translate_batch`` arguments from the translation settings (without the length floor)."""
    return {"beam_size": max(1, options.beam_size), "max_batch_size": max(1, options.batch_size),
            "max_decoding_length": max(2, options.max_length)}


class CTranslate2Translator(Seq2SeqTranslator[list[list[str]], list[list[str]]]):
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
        super().__init__(spec, options, load_tokenizer(str(model_dir), local=True, revision=spec.revision))
        self._translate_kwargs = translate_kwargs(options)
        self._min_length = _min_new_tokens(model_dir)

    def preprocess(self, texts: Sequence[str], plan: LanguagePlan) -> list[list[str]]:
        """Source token lists (with the plan's language tokens) for ``texts``."""
        encoded = self.encode(texts, plan)
        with self._tokenizer_lock:
            return [self.tokenizer.convert_ids_to_tokens(ids) for ids in encoded["input_ids"]]

    def forward(self, encoded: list[list[str]], plan: LanguagePlan) -> list[list[str]]:
        """Best hypothesis tokens per source, from ``Translator.translate_batch``."""
        prefix = [[plan.target_token] for _ in encoded] if plan.target_token else None
        # The target prefix counts towards the length, so the model's own floor moves up by one.
        floor = self._min_length + (1 if prefix else 0)
        results = self.translator.translate_batch(
            encoded, target_prefix=prefix, **self._translate_kwargs,
            min_decoding_length=min(floor, self._translate_kwargs["max_decoding_length"]),
        )
        return [result.hypotheses[0] for result in results]

    def postprocess(self, generated: list[list[str]], plan: LanguagePlan) -> list[str]:
        """Decoded, stripped strings without the target language token."""
        with self._tokenizer_lock:
            rows = [self.tokenizer.convert_tokens_to_ids(tokens) for tokens in generated]
        return self.decode(rows, plan)


def _min_new_tokens(model_dir: Path) -> int:
    """``min_new_tokens`` from a copied generation_config.json (0 when absent)."""
    path = model_dir / "generation_config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return 0
    value = data.get("min_new_tokens") or data.get("min_length") or 0
    return int(value) if isinstance(value, int) and value > 0 else 0
