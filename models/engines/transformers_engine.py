"""Translation with transformers seq2seq models (Marian, M2M100, NLLB, mBART-50).

``Seq2SeqTranslator`` runs each batch; this engine supplies preprocess (padded
tensors), forward (``generate``) and postprocess (decode). One translator is
shared by all threads of a process: the tokenizer and the model each sit behind
their own lock, so one batch can be tokenized while another is generating.

Scores: ``generate(output_scores=True)`` keeps a vocabulary-sized row per step and beam (gigabytes
for a 60,000-word vocabulary at 16 sentences and 4 beams), so forward scores the generated tokens
afterwards instead: one teacher-forced pass over each output (a fraction of the cost of generating
it), the model's log-probability of every token, averaged per sentence, end of sentence included
and a forced language token left out.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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


# Rows of one scoring pass are bounded so the logits (rows x tokens x vocabulary) stay near 64 MB.
SCORING_LOGITS = 16_000_000


@dataclass(frozen=True)
class Generated:
    """Generated token ids (one row per input) and the mean log-probability per token of each row."""

    sequences: Any
    scores: list[float | None]


def generate_kwargs(options: TranslationOptions) -> dict[str, Any]:
    """``generate`` arguments from the translation settings (the one place they are mapped)."""
    return {"num_beams": max(1, options.beam_size), "max_length": max(2, options.max_length)}


class TransformersTranslator(Seq2SeqTranslator[Any, Generated]):
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

    def forward(self, encoded: Any, plan: LanguagePlan) -> Generated:
        """Generated token ids for one tokenized batch, and their scores."""
        kwargs = dict(self._generate_kwargs)
        if plan.target_token is not None:
            kwargs["forced_bos_token_id"] = self._vocab.id(plan.target_token)
        with self._model_lock, self._torch.inference_mode():
            sequences = self.model.generate(**encoded, **kwargs)
            return Generated(sequences, self._score(encoded, sequences, forced=plan.target_token is not None))

    def postprocess(self, generated: Generated, plan: LanguagePlan) -> list[str]:
        """Decoded, stripped strings without the forced language token."""
        return self.decode(generated.sequences.tolist(), plan)

    def scores(self, generated: Generated, count: int) -> list[float | None]:
        """The model's mean log-probability per generated token of each output."""
        return list(generated.scores)

    def _score(self, encoded: Any, sequences: Any, *, forced: bool) -> list[float | None]:
        """Teacher-forced mean log-probability per token of each generated row (caller holds the model lock).

        Position 0 is the decoder start token; a forced language token (position 1) is left out;
        padding after the end of sentence is not counted.
        """
        torch = self._torch
        pad = self.model.generation_config.pad_token_id
        if pad is None:
            pad = self.model.config.pad_token_id
        inputs, targets = sequences[:, :-1], sequences[:, 1:]
        counted = targets != pad if pad is not None else torch.ones_like(targets, dtype=torch.bool)
        if forced and counted.shape[1] > 0:
            counted[:, 0] = False
        vocab = int(self.model.config.vocab_size)
        rows = max(1, SCORING_LOGITS // max(1, targets.shape[1] * vocab))
        out: list[float | None] = []
        for start in range(0, sequences.shape[0], rows):
            part = slice(start, start + rows)
            logits = self.model(input_ids=encoded["input_ids"][part], attention_mask=encoded["attention_mask"][part],
                                decoder_input_ids=inputs[part]).logits.float()
            picked = logits.gather(-1, targets[part].unsqueeze(-1)).squeeze(-1) - torch.logsumexp(logits, dim=-1)
            mask = counted[part]
            totals, counts = (picked * mask).sum(dim=-1), mask.sum(dim=-1)
            out += [float(t) / int(c) if int(c) else None
                    for t, c in zip(totals.tolist(), counts.tolist(), strict=True)]
        return out
