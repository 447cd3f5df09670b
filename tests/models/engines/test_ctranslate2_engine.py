"""The ctranslate2 engine on the converted tiny models: shapes and behaviour, never wording."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from models.engines import create_translator
from models.engines.ctranslate2_engine import CTranslate2Translator
from service.errors import DependencyMissingError, ModelCorruptError, ModelMissingError, UnsupportedPairError

from .conftest import SENTENCES, tiny_spec

MARIAN_JA = "briefs-tiny--marian-en-ja--ct2-int8"
MARIAN_KO = "briefs-tiny--marian-en-ko--ct2-int8"
NLLB = "briefs-tiny--nllb--ct2-int8"
CASES = [(MARIAN_JA, "marian", "ja"), (MARIAN_KO, "marian", "ko"), (NLLB, "nllb", "ja"), (NLLB, "nllb", "ko")]
_LOADED: dict[str, CTranslate2Translator] = {}


def load(tiny_models_dir: Path, folder: str, architecture: str, options) -> CTranslate2Translator:
    if folder not in _LOADED:
        spec = tiny_spec(architecture, engine="ctranslate2")
        _LOADED[folder] = CTranslate2Translator(spec, tiny_models_dir / folder, options)
    return _LOADED[folder]


@pytest.mark.parametrize(("folder", "architecture", "target"), CASES)
def test_one_non_empty_output_per_input(tiny_models_dir, options, folder, architecture, target):
    out = load(tiny_models_dir, folder, architecture, options).translate_batch(SENTENCES, "en", target)
    assert len(out) == len(SENTENCES)
    assert all(isinstance(t, str) and t.strip() for t in out)


@pytest.mark.parametrize(("folder", "architecture", "target"), CASES[:2])
def test_batch_order_is_preserved(tiny_models_dir, options, folder, architecture, target):
    translator = load(tiny_models_dir, folder, architecture, options)
    forward = translator.translate_batch(SENTENCES, "en", target)
    one_by_one = [translator.translate_batch([s], "en", target)[0] for s in SENTENCES]
    assert forward == one_by_one


def test_empty_batch_gives_empty_list(tiny_models_dir, options):
    assert load(tiny_models_dir, MARIAN_JA, "marian", options).translate_batch([], "en", "ja") == []


def test_blank_input_gives_empty_output_in_place(tiny_models_dir, options):
    out = load(tiny_models_dir, MARIAN_KO, "marian", options).translate_batch(["", SENTENCES[0]], "en", "ko")
    assert out[0] == ""
    assert out[1]


def test_marian_multi_target_source_starts_with_the_language_token(tiny_models_dir, options):
    translator = load(tiny_models_dir, MARIAN_JA, "marian", options)
    tokens = translator.preprocess(SENTENCES[:2], translator.language_plan("en", "ja"))
    assert all(row[0] == ">>jpn<<" and row[-1] == "</s>" for row in tokens)


def test_marian_multi_target_without_the_target_token_is_unsupported(tiny_models_dir, options):
    with pytest.raises(UnsupportedPairError):
        load(tiny_models_dir, MARIAN_JA, "marian", options).translate_batch(SENTENCES[:1], "en", "ko")


@pytest.mark.parametrize(("target", "target_token"), [("ja", "jpn_Jpan"), ("ko", "kor_Hang")])
def test_nllb_uses_source_tag_and_target_prefix(tiny_models_dir, options, target, target_token):
    translator = load(tiny_models_dir, NLLB, "nllb", options)
    plan = translator.language_plan("en", target)
    tokens = translator.preprocess(SENTENCES[:2], plan)
    assert all(row[0] == "eng_Latn" for row in tokens)
    hypotheses = translator.forward(tokens, plan)
    assert all(h[0] == target_token and len(h) > 1 for h in hypotheses.tokens)
    assert all(target_token not in text for text in translator.postprocess(hypotheses, plan))


def test_create_translator_builds_a_ctranslate2_translator(tiny_models_dir, options):
    spec = tiny_spec("marian", engine="ctranslate2")
    translator = create_translator(spec, tiny_models_dir / MARIAN_KO, options)
    assert isinstance(translator, CTranslate2Translator)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


# breakage -> (how, the error's ``file`` field)
BREAKAGES = {
    "model.bin missing": (lambda d: (d / "model.bin").unlink(), "model.bin"),
    "model.bin empty": (lambda d: (d / "model.bin").write_bytes(b""), "model.bin"),
    "model.bin truncated": (lambda d: _truncate(d / "model.bin"), "model.bin"),
    "config missing": (lambda d: (d / "config.json").unlink(), "config.json"),
    "tokenizer missing": (lambda d: [(d / n).unlink() for n in ("source.spm", "target.spm", "vocab.json")],
                          "tokenizer"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_corrupt_model_dir_raises_model_corrupt_error(copy_model, options, breakage):
    model_dir = copy_model(MARIAN_KO)
    damage, file = BREAKAGES[breakage]
    damage(model_dir)
    with pytest.raises(ModelCorruptError) as info:
        CTranslate2Translator(tiny_spec("marian", engine="ctranslate2"), model_dir, options)
    assert str(model_dir) in info.value.detail
    assert info.value.extra == {"file": file}


def test_missing_model_dir_raises_model_missing_error(tmp_path, options):
    with pytest.raises(ModelMissingError):
        CTranslate2Translator(tiny_spec("marian", engine="ctranslate2"), tmp_path / "nowhere", options)


def test_missing_ctranslate2_package_raises_dependency_missing(tiny_models_dir, options, monkeypatch):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)
    with pytest.raises(DependencyMissingError):
        CTranslate2Translator(tiny_spec("marian", engine="ctranslate2"), tiny_models_dir / MARIAN_KO, options)


def test_planned_threads_reach_the_translator():
    from models.engines.ctranslate2_engine import translator_kwargs
    from service.settings import TranslationOptions

    kwargs = translator_kwargs(TranslationOptions(inter_threads=2, intra_threads=3), "int8")
    assert (kwargs["inter_threads"], kwargs["intra_threads"], kwargs["compute_type"]) == (2, 3, "int8")


@pytest.mark.parametrize(("count", "size"), [(16, 8), (64, 32), (3, 2)])
def test_each_call_is_split_so_every_inter_thread_has_work(count, size):
    from models.engines.ctranslate2_engine import translate_kwargs
    from service.settings import TranslationOptions

    options = TranslationOptions(inter_threads=2, max_batch_size=32)
    assert translate_kwargs(options, count)["max_batch_size"] == size


def test_long_sources_are_cut_to_the_models_positions(tiny_models_dir, options):
    translator = load(tiny_models_dir, MARIAN_JA, "marian", options)
    assert translator.max_source_tokens <= 64  # the tiny Marian's max_position_embeddings
    (out,) = translator.translate_batch([" ".join(SENTENCES * 20)], "en", "ja")
    assert out.strip()
