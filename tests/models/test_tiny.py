"""The tiny models: every architecture present, loadable, short non-empty output, settings layer."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from models.registry import ModelRegistry, ModelSpec, original_spec
from models.store import ModelStore
from models.tiny import ALTERNATIVES_KEY, MAX_LENGTH, SETTINGS_FILE, build_tiny_models, corpus_lines
from tests.helpers import make_settings

FOLDERS = {
    "briefs-tiny--marian-en-ja": ("source.spm", "target.spm", "vocab.json", "model.safetensors"),
    "briefs-tiny--marian-en-ko": ("source.spm", "target.spm", "vocab.json", "model.safetensors"),
    "briefs-tiny--m2m100": ("sentencepiece.bpe.model", "vocab.json", "model.safetensors"),
    "briefs-tiny--nllb": ("tokenizer.json", "model.safetensors"),
    "briefs-tiny--bart": ("tokenizer.json", "model.safetensors"),
    "briefs-tiny--marian-en-ja--ct2-int8": ("model.bin", "source.spm"),
    "briefs-tiny--marian-en-ko--ct2-int8": ("model.bin", "source.spm"),
    "briefs-tiny--nllb--ct2-int8": ("model.bin", "tokenizer.json"),
    "briefs-tiny--bart--ct2-int8": ("model.bin", "tokenizer.json", "generation_config.json"),
}


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_every_model_folder_is_complete(tiny_models_dir, folder):
    for name in ("config.json", *FOLDERS[folder]):
        assert (tiny_models_dir / folder / name).is_file(), f"{folder}/{name}"


@pytest.mark.parametrize("lang", ["en", "ja", "ko"])
def test_corpus_has_enough_lines(lang):
    lines = corpus_lines(lang)
    assert len(lines) >= 50
    assert len(set(lines)) == len(lines)


def test_settings_layer_points_every_task_at_tiny_models(tiny_settings):
    assert tiny_settings.tiny_models is True
    assert tiny_settings.translation.max_length <= MAX_LENGTH
    registry = ModelRegistry(tiny_settings)
    assert {"en-ja", "en-ko"} <= set(registry.pairs())
    store = ModelStore(tiny_settings)
    for pair in ("en-ja", "en-ko"):
        spec = registry.get("translation", pair)
        assert spec.tiny
        assert spec.engine == "ctranslate2"
        assert store.is_installed(spec)
        assert store.path(spec).name.endswith("--ct2-int8")
        assert store.is_installed(original_spec(spec))
    bart = registry.get("summarization", "abstractive")
    assert bart.tiny
    assert bart.engine == "ctranslate2"
    assert store.is_installed(bart)
    assert store.path(bart).name == "briefs-tiny--bart--ct2-int8"
    assert store.is_installed(original_spec(bart))


def test_bart_switches_to_transformers_by_settings(tiny_models_dir, tmp_path):
    settings = make_settings(tmp_path, models_dir=str(tiny_models_dir),
                             models={"summarization": {"abstractive": {"engine": "transformers"}}})
    spec = ModelRegistry(settings).get("summarization", "abstractive")
    assert spec.engine == "transformers"
    assert ModelStore(settings).path(spec) == tiny_models_dir / "briefs-tiny--bart"


@pytest.mark.parametrize("pair", ["en-ja", "en-ko"])
def test_each_pair_switches_to_transformers_by_settings(tiny_models_dir, tmp_path, pair):
    settings = make_settings(tmp_path, models_dir=str(tiny_models_dir),
                             models={"translation": {pair: {"engine": "transformers"}}})
    spec = ModelRegistry(settings).get("translation", pair)
    assert spec.engine == "transformers"
    assert ModelStore(settings).path(spec) == tiny_models_dir / f"briefs-tiny--marian-{pair}"


def test_alternative_specs_are_usable_model_specs(tiny_settings):
    alternatives = tiny_settings.models[ALTERNATIVES_KEY]
    assert {"ct2-en-ja", "ct2-en-ko", "m2m100", "nllb", "ct2-nllb"} <= set(alternatives)
    for key, raw in alternatives.items():
        spec = ModelSpec(task="translation", key=key, **{k: (tuple(v) if k == "pairs" else v) for k, v in raw.items()})
        assert Path(spec.local_path).is_dir(), key
        assert spec.pairs


def test_bart_summarizer_model_generates_short_non_empty_text(tiny_models_dir):
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    folder = tiny_models_dir / "briefs-tiny--bart"
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModelForSeq2SeqLM.from_pretrained(folder, local_files_only=True).eval()
    inputs = tokenizer(["The city council approved a new budget. Heavy rain caused flooding."],
                       return_tensors="pt")
    with torch.inference_mode():
        ids = model.generate(**inputs, num_beams=2)
    text = tokenizer.batch_decode(ids, skip_special_tokens=True)[0]
    assert text.strip()
    assert ids.shape[1] <= 40


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_is_deterministic_and_reports_progress(tiny_models_dir, tmp_path):
    messages: list[str] = []
    root = build_tiny_models(tmp_path / "again", progress=messages.append)
    assert root == tmp_path / "again"
    assert messages
    for name in ("briefs-tiny--marian-en-ja/model.safetensors", "briefs-tiny--marian-en-ja/vocab.json",
                 "briefs-tiny--nllb/model.safetensors", SETTINGS_FILE):
        assert _sha(root / name) == _sha(tiny_models_dir / name), name
