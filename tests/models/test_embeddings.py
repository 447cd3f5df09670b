"""The MiniLM sentence embedder: shapes, unit norms, errors, one load across threads."""
from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from models.embeddings import EMBEDDING_DIM, SentenceEmbedder, default_model_path
from service.errors import ModelCorruptError, ModelMissingError


@pytest.fixture(scope="module")
def embedder() -> SentenceEmbedder:
    return SentenceEmbedder(default_model_path())


@pytest.mark.slow
def test_shape_and_unit_norm(embedder: SentenceEmbedder) -> None:
    vectors = embedder.embed(["Japan and the US met.", "Markets fell sharply today."])
    assert vectors.shape == (2, EMBEDDING_DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_similar_sentences_are_closer(embedder: SentenceEmbedder) -> None:
    a, b, c = embedder.embed(["The ministers met in Tokyo.", "Ministers held talks in Tokyo.",
                              "The cat slept on the sofa."])
    assert a @ b > a @ c


@pytest.mark.slow
def test_empty_batch(embedder: SentenceEmbedder) -> None:
    assert embedder.embed([]).shape == (0, EMBEDDING_DIM)


@pytest.mark.slow
def test_batches_match_single_calls(embedder: SentenceEmbedder) -> None:
    texts = [f"Sentence {i} about the alliance." for i in range(40)]
    together = embedder.embed(texts)
    assert np.allclose(together[37], embedder.embed([texts[37]])[0], atol=1e-5)


@pytest.mark.slow
def test_threads_share_one_model() -> None:
    shared = SentenceEmbedder(default_model_path())
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: shared.embed(["Same sentence."]), range(4)))
    model = shared._model
    shared.load()
    assert shared._model is model
    assert all(np.allclose(r, results[0], atol=1e-6) for r in results)


def test_a_single_string_is_refused() -> None:
    with pytest.raises(TypeError):
        SentenceEmbedder(default_model_path()).embed("one string")


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError):
        SentenceEmbedder(tmp_path / "absent").embed(["x"])


def test_folder_without_config_is_corrupt(tmp_path: Path) -> None:
    with pytest.raises(ModelCorruptError):
        SentenceEmbedder(tmp_path).embed(["x"])


def test_truncated_weights_are_corrupt(tmp_path: Path) -> None:
    broken = tmp_path / "minilm"
    shutil.copytree(default_model_path(), broken)
    weights = broken / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(ModelCorruptError):
        SentenceEmbedder(broken).load()
