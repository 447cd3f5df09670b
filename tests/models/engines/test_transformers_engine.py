"""The transformers engine on the tiny random-weight models: shapes and behaviour, never wording."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from models.engines import ENGINES, create_translator
from models.engines.base import Translator
from models.engines.transformers_engine import TransformersTranslator
from service.errors import ModelCorruptError, ModelMissingError, UnknownLanguageError, UnsupportedPairError

from .conftest import SENTENCES, tiny_spec

CASES = [
    ("briefs-tiny--marian-en-ja", "marian", "ja"),
    ("briefs-tiny--marian-en-ko", "marian", "ko"),
    ("briefs-tiny--m2m100", "m2m100", "ja"),
    ("briefs-tiny--m2m100", "m2m100", "ko"),
    ("briefs-tiny--nllb", "nllb", "ja"),
    ("briefs-tiny--nllb", "nllb", "ko"),
]
_LOADED: dict[str, TransformersTranslator] = {}


def load(tiny_models_dir: Path, folder: str, architecture: str, options) -> TransformersTranslator:
    if folder not in _LOADED:
        _LOADED[folder] = TransformersTranslator(tiny_spec(architecture), tiny_models_dir / folder, options)
    return _LOADED[folder]


@pytest.mark.parametrize(("folder", "architecture", "target"), CASES)
def test_one_non_empty_output_per_input(tiny_models_dir, options, folder, architecture, target):
    translator = load(tiny_models_dir, folder, architecture, options)
    out = translator.translate_batch(SENTENCES, "en", target)
    assert len(out) == len(SENTENCES)
    assert all(isinstance(t, str) and t.strip() for t in out)


@pytest.mark.parametrize(("folder", "architecture", "target"), CASES[:3])
def test_batch_order_is_preserved(tiny_models_dir, options, folder, architecture, target):
    translator = load(tiny_models_dir, folder, architecture, options)
    forward = translator.translate_batch(SENTENCES, "en", target)
    backward = translator.translate_batch(SENTENCES[::-1], "en", target)
    assert backward == forward[::-1]


def test_empty_batch_gives_empty_list(tiny_models_dir, options):
    translator = load(tiny_models_dir, "briefs-tiny--marian-en-ja", "marian", options)
    assert translator.translate_batch([], "en", "ja") == []


def test_blank_input_gives_empty_output_in_place(tiny_models_dir, options):
    translator = load(tiny_models_dir, "briefs-tiny--marian-en-ja", "marian", options)
    out = translator.translate_batch([SENTENCES[0], "   ", SENTENCES[1]], "en", "ja")
    assert len(out) == 3
    assert out[1] == ""
    assert out[0]
    assert out[2]


def test_a_string_instead_of_a_list_is_rejected(tiny_models_dir, options):
    translator = load(tiny_models_dir, "briefs-tiny--marian-en-ja", "marian", options)
    with pytest.raises(TypeError):
        translator.translate_batch("one sentence", "en", "ja")


def test_multi_target_marian_prefixes_the_target_token(tiny_models_dir, options):
    translator = load(tiny_models_dir, "briefs-tiny--marian-en-ja", "marian", options)
    plan = translator.language_plan("en", "ja")
    encoded = translator.preprocess(SENTENCES[:1], plan)
    assert encoded["input_ids"][0][0].item() == translator.tokenizer.convert_tokens_to_ids(">>jpn<<")


def test_single_target_marian_has_no_prefix(tiny_models_dir, options):
    translator = load(tiny_models_dir, "briefs-tiny--marian-en-ko", "marian", options)
    plan = translator.language_plan("en", "ko")
    assert plan.source_prefix == ""
    assert plan.target_token is None


def test_spec_lang_token_overrides_the_vocabulary(tiny_models_dir, options):
    spec = tiny_spec("marian", lang_token=">>jpn<<")
    translator = TransformersTranslator(spec, tiny_models_dir / "briefs-tiny--marian-en-ko", options)
    assert translator.language_plan("en", "ko").source_prefix.strip() == ">>jpn<<"


def test_multi_target_marian_without_the_target_token_is_unsupported(tiny_models_dir, options):
    translator = load(tiny_models_dir, "briefs-tiny--marian-en-ja", "marian", options)
    with pytest.raises(UnsupportedPairError):
        translator.translate_batch(SENTENCES[:1], "en", "ko")


def test_unknown_language_code_is_rejected(tiny_models_dir, options):
    translator = load(tiny_models_dir, "briefs-tiny--m2m100", "m2m100", options)
    with pytest.raises(UnknownLanguageError):
        translator.translate_batch(SENTENCES[:1], "en", "xx")


@pytest.mark.parametrize(("folder", "architecture", "source_token", "target", "target_token"), [
    ("briefs-tiny--m2m100", "m2m100", "__en__", "ja", "__ja__"),
    ("briefs-tiny--m2m100", "m2m100", "__en__", "ko", "__ko__"),
    ("briefs-tiny--nllb", "nllb", "eng_Latn", "ja", "jpn_Jpan"),
    ("briefs-tiny--nllb", "nllb", "eng_Latn", "ko", "kor_Hang"),
])
def test_multilingual_models_tag_source_and_force_target(
    tiny_models_dir, options, folder, architecture, source_token, target, target_token
):
    translator = load(tiny_models_dir, folder, architecture, options)
    tokenizer = translator.tokenizer
    plan = translator.language_plan("en", target)
    encoded = translator.preprocess(SENTENCES[:2], plan)
    assert encoded["input_ids"][0][0].item() == tokenizer.convert_tokens_to_ids(source_token)
    generated = translator.forward(encoded, plan)
    target_id = tokenizer.convert_tokens_to_ids(target_token)
    assert target_id != tokenizer.unk_token_id
    assert all(row[1] == target_id for row in generated.sequences.tolist())
    assert all(target_token not in text for text in translator.postprocess(generated, plan))


def test_concurrent_calls_match_serial_results(tiny_models_dir, options):
    translator = load(tiny_models_dir, "briefs-tiny--marian-en-ko", "marian", options)
    expected = translator.translate_batch(SENTENCES, "en", "ko")
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(translator.translate_batch(SENTENCES, "en", "ko"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert results == [expected] * 4


def test_create_translator_builds_a_transformers_translator(tiny_models_dir, options):
    translator = create_translator(tiny_spec("marian"), tiny_models_dir / "briefs-tiny--marian-en-ko", options)
    assert isinstance(translator, Translator)
    assert isinstance(translator, TransformersTranslator)


def test_unknown_engine_is_a_value_error(tiny_models_dir, options):
    spec = tiny_spec("marian", engine="no-such-engine")
    with pytest.raises(ValueError, match="unknown translation engine") as info:
        create_translator(spec, tiny_models_dir / "briefs-tiny--marian-en-ko", options)
    assert all(name in str(info.value) for name in ENGINES)


def _remove(path: Path, *names: str) -> None:
    for name in names:
        (path / name).unlink()


def _truncate(path: Path, name: str) -> None:
    data = (path / name).read_bytes()
    (path / name).write_bytes(data[: len(data) // 3])


# breakage -> (how, the error's ``file`` field); tiny models carry a manifest, so its sizes name changed files
BREAKAGES = {
    "config missing": (lambda d: _remove(d, "config.json"), "config.json"),
    "config not json": (lambda d: (d / "config.json").write_text("{not json", encoding="utf-8"), "config.json"),
    "weights missing": (lambda d: _remove(d, "model.safetensors"), "weights"),
    "weights empty": (lambda d: (d / "model.safetensors").write_bytes(b""), "model.safetensors"),
    "weights truncated": (lambda d: _truncate(d, "model.safetensors"), "model.safetensors"),
    "tokenizer missing": (lambda d: _remove(d, "source.spm", "target.spm", "vocab.json"), "tokenizer"),
    "spm garbage": (lambda d: (d / "source.spm").write_bytes(b"garbage"), "source.spm"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_corrupt_model_dir_raises_model_corrupt_error(copy_model, options, breakage):
    model_dir = copy_model("briefs-tiny--marian-en-ko")
    damage, file = BREAKAGES[breakage]
    damage(model_dir)
    with pytest.raises(ModelCorruptError) as info:
        TransformersTranslator(tiny_spec("marian"), model_dir, options)
    assert str(model_dir) in info.value.detail
    assert info.value.extra == {"file": file}


def test_unreadable_tokenizer_without_manifest_is_corrupt(copy_model, options):
    model_dir = copy_model("briefs-tiny--marian-en-ko")
    (model_dir / ".briefs-manifest.json").unlink()
    (model_dir / "source.spm").write_bytes(b"garbage")
    with pytest.raises(ModelCorruptError) as info:
        TransformersTranslator(tiny_spec("marian"), model_dir, options)
    assert str(model_dir) in info.value.detail
    assert "tokenizer" in info.value.detail


def test_missing_model_dir_raises_model_missing_error(tmp_path, options):
    with pytest.raises(ModelMissingError):
        TransformersTranslator(tiny_spec("marian"), tmp_path / "nowhere", options)
