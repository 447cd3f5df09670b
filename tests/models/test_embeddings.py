"""The MiniLM sentence embedder on both backends: shapes, unit norms, errors, one load across
threads; the ctranslate2 conversion (once, cached, fallback to torch) and the shared pooling."""
from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import models.convert
from models.embeddings import (
    EMBEDDING_DIM,
    EMBEDDING_ENGINES,
    BucketedEmbedder,
    CT2SentenceEmbedder,
    SentenceEmbedder,
    default_model_path,
    load_embedder,
    mean_pool,
)
from models.embeddings_ct2 import converted_dir
from service.errors import ModelCorruptError, ModelMissingError
from service.settings import SummaryOptions


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("embeddings")


@pytest.fixture(scope="module", params=EMBEDDING_ENGINES)
def embedder(request: pytest.FixtureRequest, cache_dir: Path) -> BucketedEmbedder:
    return load_embedder(default_model_path(), SummaryOptions(embedding_engine=request.param,
                                                              embedding_cache_dir=str(cache_dir)))


def make(engine: str, path: Path, cache_dir: Path) -> BucketedEmbedder:
    return CT2SentenceEmbedder(path, cache_dir=cache_dir) if engine == "ctranslate2" else SentenceEmbedder(path)


@pytest.mark.slow
def test_shape_and_unit_norm(embedder: BucketedEmbedder) -> None:
    vectors = embedder.embed(["Japan and the US met.", "Markets fell sharply today."])
    assert vectors.shape == (2, EMBEDDING_DIM)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_similar_sentences_are_closer(embedder: BucketedEmbedder) -> None:
    a, b, c = embedder.embed(["The ministers met in Tokyo.", "Ministers held talks in Tokyo.",
                              "The cat slept on the sofa."])
    assert a @ b > a @ c


@pytest.mark.slow
def test_empty_batch(embedder: BucketedEmbedder) -> None:
    assert embedder.embed([]).shape == (0, EMBEDDING_DIM)


@pytest.mark.slow
def test_batches_match_single_calls(embedder: BucketedEmbedder) -> None:
    # Lengths differ, so bucketing reorders them; the rows must come back in input order.
    texts = [f"Sentence {i} about the alliance{' and its allies' * (i % 5)}." for i in range(40)]
    together = embedder.embed(texts)
    for i in (0, 3, 37):
        assert np.allclose(together[i], embedder.embed([texts[i]])[0], atol=1e-4)


@pytest.mark.slow
@pytest.mark.parametrize("engine", EMBEDDING_ENGINES)
def test_threads_share_one_model(engine: str, cache_dir: Path) -> None:
    shared = make(engine, default_model_path(), cache_dir)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: shared.embed(["Same sentence."]), range(4)))
    model = shared._model
    shared.load()
    assert shared._model is model
    assert all(np.allclose(r, results[0], atol=1e-6) for r in results)


def test_a_single_string_is_refused() -> None:
    with pytest.raises(TypeError):
        SentenceEmbedder(default_model_path()).embed("one string")


@pytest.mark.parametrize("engine", EMBEDDING_ENGINES)
def test_missing_folder(engine: str, tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError):
        make(engine, tmp_path / "absent", tmp_path).embed(["x"])


@pytest.mark.parametrize("engine", EMBEDDING_ENGINES)
def test_folder_without_config_is_corrupt(engine: str, tmp_path: Path) -> None:
    with pytest.raises(ModelCorruptError):
        make(engine, tmp_path, tmp_path).embed(["x"])


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    folder = tmp_path / "minilm"
    shutil.copytree(default_model_path(), folder)
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    return folder


@pytest.mark.parametrize("engine", EMBEDDING_ENGINES)
def test_truncated_weights_are_corrupt(engine: str, broken: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelCorruptError):
        load_embedder(broken, SummaryOptions(embedding_engine=engine, embedding_cache_dir=str(tmp_path / "c")))
    assert not (tmp_path / "c").exists() or not any((tmp_path / "c").iterdir())  # nothing half-converted


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="embedding_engine"):
        load_embedder(default_model_path(), SummaryOptions(embedding_engine="onnx"))


# ---- mean pooling, shared by both backends ----------------------------------------------


def test_mean_pool_ignores_padding_and_normalises() -> None:
    hidden = np.array([[[3.0, 0.0], [1.0, 0.0], [99.0, 99.0]],
                       [[0.0, 2.0], [0.0, 4.0], [0.0, 6.0]]], dtype=np.float32)
    pooled = mean_pool(hidden, [2, 3])
    assert np.allclose(pooled, [[1.0, 0.0], [0.0, 1.0]])


def test_mean_pool_matches_the_sentence_transformers_recipe() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    hidden = rng.normal(size=(4, 7, 16)).astype(np.float32)
    lengths = [7, 1, 4, 5]
    mask = torch.tensor([[1.0] * n + [0.0] * (7 - n) for n in lengths]).unsqueeze(-1)
    states = torch.from_numpy(hidden)
    expected = torch.nn.functional.normalize((states * mask).sum(1) / mask.sum(1).clamp(min=1e-9), p=2, dim=1)
    assert np.allclose(mean_pool(hidden, lengths), expected.numpy(), atol=1e-6)


# ---- the ctranslate2 conversion: once, cached, replaced atomically, torch as fallback ----


@pytest.fixture
def conversions(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Records every conversion (and still runs it)."""
    calls: list[Path] = []
    real = models.convert.convert_to_ctranslate2

    def counting(model_dir: Path, out_dir: Path, *args, **kwargs) -> Path:
        calls.append(out_dir)
        return real(model_dir, out_dir, *args, **kwargs)

    monkeypatch.setattr(models.convert, "convert_to_ctranslate2", counting)
    return calls


@pytest.mark.slow
def test_conversion_runs_once_per_cache_folder(conversions: list[Path], tmp_path: Path) -> None:
    first = CT2SentenceEmbedder(default_model_path(), cache_dir=tmp_path)
    first.load()
    second = CT2SentenceEmbedder(default_model_path(), cache_dir=tmp_path)
    second.load()
    assert len(conversions) == 1
    assert first.converted == second.converted
    assert first.converted is not None
    assert first.converted.parent == tmp_path
    # Only the finished folder is left: the conversion was written elsewhere and renamed.
    assert [p.name for p in tmp_path.iterdir()] == [first.converted.name]


@pytest.mark.slow
def test_a_half_written_conversion_is_redone(conversions: list[Path], tmp_path: Path) -> None:
    target = converted_dir(default_model_path(), tmp_path)
    (target / "model.bin").write_bytes(b"")
    assert converted_dir(default_model_path(), tmp_path) == target
    assert len(conversions) == 2
    assert (target / "model.bin").stat().st_size > 0


@pytest.mark.slow
def test_a_changed_model_converts_again(conversions: list[Path], tmp_path: Path) -> None:
    model = tmp_path / "minilm"
    shutil.copytree(default_model_path(), model)
    before = converted_dir(model, tmp_path / "cache")
    config = model / "config.json"
    config.write_text(config.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert converted_dir(model, tmp_path / "cache") != before
    assert len(conversions) == 2


@pytest.mark.slow
def test_falls_back_to_torch_when_conversion_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    def unsupported(*_args, **_kwargs) -> Path:
        raise ModelCorruptError("cannot convert: unsupported architecture")

    monkeypatch.setattr(models.convert, "convert_to_ctranslate2", unsupported)
    embedder = load_embedder(default_model_path(), SummaryOptions(embedding_cache_dir=str(tmp_path)))
    assert isinstance(embedder, SentenceEmbedder)
    assert embedder.engine == "torch"
    assert "using torch" in caplog.text
    assert embedder.embed(["The talks went on."]).shape == (1, EMBEDDING_DIM)


def test_no_conversion_at_import(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import tempfile, pathlib; import models.embeddings, models.embeddings_ct2, "
            "models.summarizers.extractive; "
            "print(sorted(p.name for p in pathlib.Path(tempfile.gettempdir()).iterdir()))")
    env = {"TMPDIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=Path(__file__).resolve().parents[2], check=True, timeout=120)
    assert out.stdout.strip() == "[]"
