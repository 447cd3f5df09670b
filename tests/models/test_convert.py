"""Conversion to ctranslate2: a loadable result, tokenizer files alongside, atomic replacement."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from models.convert import convert_to_ctranslate2
from service.errors import ConflictError, DependencyMissingError, ModelCorruptError, ModelMissingError

MARIAN = "briefs-tiny--marian-en-ko"


@pytest.fixture
def marian_dir(tiny_models_dir: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "src"
    shutil.copytree(tiny_models_dir / MARIAN, dest)
    return dest


def _leftovers(parent: Path, out: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{out.name}"))


def test_conversion_gives_a_loadable_model_with_tokenizer_files(marian_dir, tmp_path):
    import ctranslate2

    out = convert_to_ctranslate2(marian_dir, tmp_path / "out")
    assert out == tmp_path / "out"
    for name in ("model.bin", "config.json", "source.spm", "target.spm", "vocab.json", "generation_config.json"):
        assert (out / name).is_file(), name
    translator = ctranslate2.Translator(str(out), device="cpu", compute_type="int8")
    result = translator.translate_batch([["▁The", "</s>"]], max_decoding_length=8, min_decoding_length=2)
    assert result[0].hypotheses[0]
    assert _leftovers(tmp_path, out) == []


def test_existing_output_is_kept_without_force(marian_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConflictError):
        convert_to_ctranslate2(marian_dir, out)
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_force_replaces_existing_output(marian_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.txt").write_text("old", encoding="utf-8")
    convert_to_ctranslate2(marian_dir, out, force=True)
    assert (out / "model.bin").is_file()
    assert not (out / "stale.txt").exists()
    assert _leftovers(tmp_path, out) == []


def test_failed_conversion_leaves_no_output(marian_dir, tmp_path):
    data = (marian_dir / "model.safetensors").read_bytes()
    (marian_dir / "model.safetensors").write_bytes(data[: len(data) // 3])
    out = tmp_path / "out"
    with pytest.raises(ModelCorruptError):
        convert_to_ctranslate2(marian_dir, out)
    assert not out.exists()
    assert _leftovers(tmp_path, out) == []


def test_failed_forced_conversion_keeps_the_previous_output(marian_dir, tmp_path):
    out = convert_to_ctranslate2(marian_dir, tmp_path / "out")
    before = (out / "model.bin").read_bytes()
    (marian_dir / "config.json").write_text('{"model_type": "no-such-model"}', encoding="utf-8")
    with pytest.raises(ModelCorruptError):
        convert_to_ctranslate2(marian_dir, out, force=True)
    assert (out / "model.bin").read_bytes() == before
    assert _leftovers(tmp_path, out) == []


def test_missing_model_dir_raises_model_missing(tmp_path):
    with pytest.raises(ModelMissingError):
        convert_to_ctranslate2(tmp_path / "nowhere", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_folder_without_config_raises_model_corrupt(tmp_path):
    (tmp_path / "src").mkdir()
    with pytest.raises(ModelCorruptError):
        convert_to_ctranslate2(tmp_path / "src", tmp_path / "out")


def test_unknown_quantization_is_a_value_error(marian_dir, tmp_path):
    with pytest.raises(ValueError, match="unknown quantization 'int3'"):
        convert_to_ctranslate2(marian_dir, tmp_path / "out", quantization="int3")


def test_already_converted_model_is_a_value_error(tiny_models_dir, tmp_path):
    with pytest.raises(ValueError, match="is already a ctranslate2 model"):
        convert_to_ctranslate2(tiny_models_dir / f"{MARIAN}--ct2-int8", tmp_path / "out")


def test_missing_ctranslate2_raises_dependency_missing(marian_dir, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)
    monkeypatch.setitem(sys.modules, "ctranslate2.converters", None)
    with pytest.raises(DependencyMissingError):
        convert_to_ctranslate2(marian_dir, tmp_path / "out")


BART = "briefs-tiny--bart"


@pytest.fixture
def bart_dir(tiny_models_dir: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "bart-src"
    shutil.copytree(tiny_models_dir / BART, dest)
    return dest


def test_bart_converts_through_a_staging_folder(bart_dir, tmp_path, monkeypatch):
    import json
    import os

    import ctranslate2

    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def recording_replace(src, dst):
        renames.append((Path(src).name, Path(dst).name))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", recording_replace)
    out = convert_to_ctranslate2(bart_dir, tmp_path / "bart-out")
    # Written under a hidden temporary name, then renamed into place in one step.
    assert [dst for _, dst in renames] == ["bart-out"]
    assert renames[0][0].startswith(".bart-out.converting-")
    assert _leftovers(tmp_path, out) == []
    for name in ("model.bin", "config.json", "tokenizer.json", "generation_config.json"):
        assert (out / name).is_file(), name
    assert json.loads((out / "config.json").read_text(encoding="utf-8"))["max_position_embeddings"] > 0
    translator = ctranslate2.Translator(str(out), device="cpu", compute_type="int8")
    result = translator.translate_batch([["<s>", "ĠThe", "</s>"]], max_decoding_length=8)
    assert result[0].hypotheses[0]


def test_bart_saved_without_normalize_before_still_converts(bart_dir, tmp_path):
    import json

    # transformers 5 no longer writes this attribute; ctranslate2's BART loader reads it.
    config = json.loads((bart_dir / "config.json").read_text(encoding="utf-8"))
    assert "normalize_before" not in config
    assert (convert_to_ctranslate2(bart_dir, tmp_path / "out") / "model.bin").is_file()
