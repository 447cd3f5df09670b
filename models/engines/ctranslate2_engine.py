"""Translation with ctranslate2 (int8 on CPU by default).

The converted folder (``models.convert``) carries the original tokenizer files,
so tokenization uses the same transformers tokenizer as the transformers engine
and the same language plan: Marian's ``>>xxx<<`` source token, or the M2M100 /
NLLB target language as ``target_prefix``. ``ctranslate2.Translator`` is safe to
call from several threads; only the tokenizer sits behind a lock.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.engines.base import translate_nonblank, validated_texts
from models.engines.transformers_engine import TokenizerVocab, load_tokenizer
from models.langcodes import LanguagePlan, plan_for
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


class CTranslate2Translator:
    """Translator on a ctranslate2-converted seq2seq model."""

    def __init__(self, spec: ModelSpec, path: Path | str, options: TranslationOptions,
                 compute_type: str = DEFAULT_COMPUTE_TYPE) -> None:
        ctranslate2 = import_ctranslate2()
        self.spec, self.options = spec, options
        model_dir = Path(path)
        check_model_dir(model_dir, "ctranslate2", "ctranslate2 model")
        try:
            self.translator = ctranslate2.Translator(
                str(model_dir), device="cpu", compute_type=compute_type,
                intra_threads=max(0, options.threads),
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelCorruptError(f"ctranslate2 model at {model_dir} is corrupt: {exc}",
                                    file="model.bin") from None
        self.tokenizer = load_tokenizer(str(model_dir), local=True, revision=spec.revision)
        self._vocab = TokenizerVocab(self.tokenizer)
        self._min_length = _min_new_tokens(model_dir)
        self._tokenizer_lock = threading.Lock()

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        """One translation per input, in order; blank inputs give ""."""
        texts = validated_texts(texts)
        if not texts:
            return []
        plan = self.language_plan(source_lang, target_lang)
        return translate_nonblank(
            texts, lambda chunk: self.postprocess(self.forward(self.preprocess(chunk, plan), plan), plan))

    def language_plan(self, source_lang: str, target_lang: str) -> LanguagePlan:
        """How this model names ``source_lang`` and ``target_lang``."""
        return plan_for(self.spec.architecture, source_lang, target_lang, self._vocab, self.spec.lang_token)

    def preprocess(self, texts: Sequence[str], plan: LanguagePlan) -> list[list[str]]:
        """Source token lists (with the plan's language tokens) for ``texts``."""
        with self._tokenizer_lock:
            if plan.src_lang is not None:
                self.tokenizer.src_lang = plan.src_lang
            encoded = self.tokenizer([plan.source_prefix + t.strip() for t in texts], truncation=True,
                                     max_length=self._max_source())
            return [self.tokenizer.convert_ids_to_tokens(ids) for ids in encoded["input_ids"]]

    def forward(self, tokens: list[list[str]], plan: LanguagePlan) -> list[list[str]]:
        """Best hypothesis tokens per source, from ``Translator.translate_batch``."""
        prefix = [[plan.target_token] for _ in tokens] if plan.target_token else None
        extra = 1 if prefix else 0
        results = self.translator.translate_batch(
            tokens, target_prefix=prefix, beam_size=max(1, self.options.beam_size),
            max_batch_size=max(1, self.options.batch_size),
            max_decoding_length=max(2, self.options.max_length),
            min_decoding_length=min(self._min_length + extra, self.options.max_length),
        )
        return [result.hypotheses[0] for result in results]

    def postprocess(self, hypotheses: list[list[str]], plan: LanguagePlan) -> list[str]:
        """Decoded, stripped strings without the target language token."""
        with self._tokenizer_lock:
            out = []
            for tokens in hypotheses:
                if plan.target_token and tokens and tokens[0] == plan.target_token:
                    tokens = tokens[1:]
                ids = self.tokenizer.convert_tokens_to_ids(tokens)
                out.append(self.tokenizer.decode(ids, skip_special_tokens=True).strip())
            return out

    def _max_source(self) -> int:
        limit = getattr(self.tokenizer, "model_max_length", 512)
        return limit if isinstance(limit, int) and 0 < limit < 1_000_000 else 512


def _min_new_tokens(model_dir: Path) -> int:
    """``min_new_tokens`` from a copied generation_config.json (0 when absent)."""
    path = model_dir / "generation_config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return 0
    value = data.get("min_new_tokens") or data.get("min_length") or 0
    return int(value) if isinstance(value, int) and value > 0 else 0
