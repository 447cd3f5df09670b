"""Translation with transformers seq2seq models (Marian, M2M100, NLLB, mBART-50).

``Seq2SeqTranslator`` runs each batch; this engine supplies preprocess (padded
tensors), forward (``generate``) and postprocess (decode). One translator is
shared by all threads of a process: the tokenizer and the model each sit behind
their own lock, so one batch can be tokenized while another is generating.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from models.engines.base import Seq2SeqTranslator, source_token_limit
from models.langcodes import LanguagePlan
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
    except Exception as exc:  # noqa: BLE001 - any loader failure means the files are unusable
        raise _load_error(source, local, "tokenizer", exc) from None


def _load_error(source: str, local: bool, what: str, exc: Exception) -> Exception:
    detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    if local:
        return ModelCorruptError(f"model at {source} is corrupt: cannot load its {what} ({detail})")
    return ModelMissingError(f"cannot load model {source} from the hub: {what} failed ({detail})", model=source)


def generate_kwargs(options: TranslationOptions) -> dict[str, Any]:
    """``generate`` arguments from the translation settings (the one place they are mapped)."""
    return {"num_beams": max(1, options.beam_size), "max_length": max(2, options.max_length)}


class TransformersTranslator(Seq2SeqTranslator[Any, Any]):
    """Translator on a transformers ``AutoModelForSeq2SeqLM``, ``options.batch_size`` texts per ``generate``."""

    def __init__(self, spec: ModelSpec, path: Path | str, options: TranslationOptions) -> None:
        torch, transformers = import_transformers()
        local = Path(path).is_dir()
        source = str(path)
        if local or Path(path).is_absolute() or source.startswith("."):
            check_model_dir(Path(path), "transformers")
        # One generate() runs at a time (the model lock), so it gets the worker's whole share.
        threads = (options.intra_threads or options.threads) * max(1, options.inter_threads)
        if threads > 0:
            torch.set_num_threads(threads)
        self._torch = torch
        tokenizer = load_tokenizer(source, local=local, revision=spec.revision)
        kwargs = {"local_files_only": True} if local else {"revision": spec.revision}
        try:
            with quiet_loading():
                self.model = transformers.AutoModelForSeq2SeqLM.from_pretrained(source, **kwargs).eval()
        except Exception as exc:  # noqa: BLE001 - truncated weights, wrong shapes, unknown config ...
            raise _load_error(source, local, "weights", exc) from None
        limit = source_token_limit(tokenizer, getattr(self.model.config, "max_position_embeddings", None))
        super().__init__(spec, options, tokenizer, limit)
        self._generate_kwargs = generate_kwargs(options)
        self._model_lock = threading.Lock()

    def chunk_size(self) -> int:
        """Padding makes one ``generate`` cost its longest text, so batches stay at ``batch_size``."""
        return max(1, self.options.batch_size)

    def preprocess(self, texts: Sequence[str], plan: LanguagePlan) -> Any:
        """Tokenized, padded tensors for ``texts`` with the plan's language codes."""
        return self.encode(texts, plan, return_tensors="pt", padding=True)

    def forward(self, encoded: Any, plan: LanguagePlan) -> Any:
        """Generated token ids for one tokenized batch."""
        kwargs = dict(self._generate_kwargs)
        if plan.target_token is not None:
            kwargs["forced_bos_token_id"] = self._vocab.id(plan.target_token)
        with self._model_lock, self._torch.inference_mode():
            return self.model.generate(**encoded, **kwargs)

    def postprocess(self, generated: Any, plan: LanguagePlan) -> list[str]:
        """Decoded, stripped strings without the forced language token."""
        return self.decode(generated.tolist(), plan)
