"""Translation with transformers seq2seq models (Marian, M2M100, NLLB, mBART-50).

Each batch goes preprocess (tokenize, language codes) -> forward (``generate``,
the only step that touches the model) -> postprocess (decode, strip). One
translator is shared by all threads of a process: the tokenizer (its
``src_lang`` is state) and the model each sit behind their own lock, so one
batch can be tokenized while another is generating.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from models.engines.base import translate_nonblank, validated_texts
from models.langcodes import LanguagePlan, plan_for
from models.registry import ModelSpec
from models.store import check_model_dir
from service.errors import DependencyMissingError, ModelCorruptError, ModelMissingError
from service.settings import TranslationOptions


def import_transformers() -> tuple[Any, Any]:
    """``(torch, transformers)``, or DependencyMissingError with the install hint."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise DependencyMissingError(
            f"the transformers engine needs torch and transformers ({exc.name} is missing): "
            "pip install torch transformers sentencepiece"
        ) from None
    return torch, transformers


@contextlib.contextmanager
def quiet_loading() -> Iterator[None]:
    """Silence transformers' load/save progress bars (they would pollute CLI stderr)."""
    _, transformers = import_transformers()
    hf_logging = transformers.utils.logging
    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def load_tokenizer(source: str, *, local: bool, revision: str) -> Any:
    """AutoTokenizer from a folder or hub id; ModelCorruptError when it cannot be read."""
    _, transformers = import_transformers()
    kwargs = {"local_files_only": True} if local else {"revision": revision}
    try:
        with quiet_loading():
            return transformers.AutoTokenizer.from_pretrained(source, **kwargs)
    except Exception as exc:  # any loader failure means the files are unusable
        raise _load_error(source, local, "tokenizer", exc) from None


def _load_error(source: str, local: bool, what: str, exc: Exception) -> Exception:
    detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    if local:
        return ModelCorruptError(f"model at {source} is corrupt: cannot load its {what} ({detail})")
    return ModelMissingError(f"cannot load model {source} from the hub: {what} failed ({detail})", model=source)


class TokenizerVocab:
    """A tokenizer's vocabulary as a container: a token is in it when it does not map to
    the unknown id (M2M100 keeps its language tokens outside ``get_vocab``)."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        self._tokens = dict(tokenizer.get_vocab())

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and (token in self._tokens or self.id(token) != self._tokenizer.unk_token_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._tokens)

    def id(self, token: str) -> int:
        """The id of ``token``."""
        return self._tokens.get(token, self._tokenizer.convert_tokens_to_ids(token))


class TransformersTranslator:
    """Translator on a transformers ``AutoModelForSeq2SeqLM``."""

    def __init__(self, spec: ModelSpec, path: Path | str, options: TranslationOptions) -> None:
        torch, transformers = import_transformers()
        self.spec, self.options = spec, options
        local = Path(path).is_dir()
        source = str(path)
        if local or Path(path).is_absolute() or source.startswith("."):
            check_model_dir(Path(path), "transformers")
        if options.threads > 0:
            torch.set_num_threads(options.threads)
        self._torch = torch
        self.tokenizer = load_tokenizer(source, local=local, revision=spec.revision)
        kwargs = {"local_files_only": True} if local else {"revision": spec.revision}
        try:
            with quiet_loading():
                self.model = transformers.AutoModelForSeq2SeqLM.from_pretrained(source, **kwargs).eval()
        except Exception as exc:  # truncated weights, wrong shapes, unknown config ...
            raise _load_error(source, local, "weights", exc) from None
        self._vocab = TokenizerVocab(self.tokenizer)
        self._max_source = _max_source_length(self.model.config, self.tokenizer)
        self._tokenizer_lock = threading.Lock()
        self._model_lock = threading.Lock()

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        """One translation per input, in order; blank inputs give ""."""
        texts = validated_texts(texts)
        if not texts:
            return []
        plan = self.language_plan(source_lang, target_lang)
        return translate_nonblank(
            texts, lambda chunk: self.postprocess(self.forward(self.preprocess(chunk, plan), plan), plan),
            self.options.batch_size)

    def language_plan(self, source_lang: str, target_lang: str) -> LanguagePlan:
        """How this model names ``source_lang`` and ``target_lang``."""
        return plan_for(self.spec.architecture, source_lang, target_lang, self._vocab, self.spec.lang_token)

    def preprocess(self, texts: Sequence[str], plan: LanguagePlan) -> Any:
        """Tokenized, padded tensors for ``texts`` with the plan's language codes."""
        with self._tokenizer_lock:
            if plan.src_lang is not None:
                self.tokenizer.src_lang = plan.src_lang
            return self.tokenizer([plan.source_prefix + t.strip() for t in texts], return_tensors="pt",
                                  padding=True, truncation=True, max_length=self._max_source)

    def forward(self, encoded: Any, plan: LanguagePlan) -> Any:
        """Generated token ids for one tokenized batch."""
        kwargs: dict[str, Any] = {"num_beams": max(1, self.options.beam_size),
                                  "max_length": max(2, self.options.max_length)}
        if plan.target_token is not None:
            kwargs["forced_bos_token_id"] = self._vocab.id(plan.target_token)
        with self._model_lock, self._torch.inference_mode():
            return self.model.generate(**encoded, **kwargs)

    def postprocess(self, output_ids: Any, plan: LanguagePlan) -> list[str]:
        """Decoded, stripped strings without the forced language token."""
        rows = output_ids.tolist()
        if plan.target_token is not None:
            # Some tokenizers (M2M100) do not mark language tokens special, so decode would keep them.
            target_id = self._vocab.id(plan.target_token)
            rows = [[t for t in row if t != target_id] for row in rows]
        with self._tokenizer_lock:
            decoded = self.tokenizer.batch_decode(rows, skip_special_tokens=True)
        return [text.strip() for text in decoded]


def _max_source_length(config: Any, tokenizer: Any) -> int:
    limits = [getattr(config, "max_position_embeddings", None), getattr(tokenizer, "model_max_length", None)]
    usable = [int(v) for v in limits if isinstance(v, int) and 0 < v < 1_000_000]
    return min(usable) if usable else 512
