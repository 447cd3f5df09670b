"""The registry: default engine for translation pairs, per-pair engine, fallback for unconvertible architectures."""
from __future__ import annotations

import pytest

from models.registry import ModelRegistry, original_spec
from tests.helpers import make_settings


def test_configured_pairs_default_to_ctranslate2(tmp_path):
    registry = ModelRegistry(make_settings(tmp_path))
    assert {registry.get("translation", p).engine for p in registry.pairs()} == {"ctranslate2"}
    assert registry.get("summarization", "abstractive").engine == "ctranslate2"


def test_one_pair_can_select_transformers(tmp_path):
    registry = ModelRegistry(make_settings(tmp_path, models={"translation": {"en-ko": {"engine": "transformers"}}}))
    assert registry.get("translation", "en-ko").engine == "transformers"
    assert registry.get("translation", "en-ja").engine == "ctranslate2"


def test_the_default_engine_is_a_setting(tmp_path):
    registry = ModelRegistry(make_settings(tmp_path, translation={"engine": "transformers"}))
    assert {registry.get("translation", p).engine for p in registry.pairs()} == {"transformers"}


@pytest.mark.parametrize("engine", ["", "ctranslate2"])
def test_m2m100_falls_back_to_transformers_with_a_reason(tmp_path, engine):
    entry = {"model": "facebook/m2m100_418M", "architecture": "m2m100", **({"engine": engine} if engine else {})}
    registry = ModelRegistry(make_settings(tmp_path, models={"translation": {"ja-en": entry}}))
    spec = registry.get("translation", "ja-en")
    assert spec.engine == "transformers"
    assert "m2m100" in spec.fallback
    assert "transformers" in spec.fallback


def test_a_converted_local_path_is_not_second_guessed(tmp_path):
    entry = {"model": "x/m2m", "architecture": "m2m100", "engine": "ctranslate2", "local_path": str(tmp_path)}
    spec = ModelRegistry(make_settings(tmp_path, models={"translation": {"ja-en": entry}})).get("translation", "ja-en")
    assert spec.engine == "ctranslate2"
    assert spec.fallback == ""


def test_fallback_cannot_be_set_in_settings(tmp_path):
    with pytest.raises(ValueError, match="fallback"):
        ModelRegistry(make_settings(tmp_path, models={"translation": {"en-ja": {"fallback": "x"}}}))


def test_original_of_a_ctranslate2_spec_is_its_transformers_form(tmp_path):
    entry = {"engine": "ctranslate2", "local_path": str(tmp_path / "ct2")}
    spec = ModelRegistry(make_settings(tmp_path, models={"translation": {"en-ja": entry}})).get("translation", "en-ja")
    original = original_spec(spec)
    assert (original.engine, original.local_path, original.model) == ("transformers", "", spec.model)
