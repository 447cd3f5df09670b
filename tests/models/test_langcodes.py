"""Language codes per architecture."""
from __future__ import annotations

import pytest

from models.langcodes import plan_for, token_for
from service.errors import UnknownLanguageError, UnsupportedPairError


@pytest.mark.parametrize(("architecture", "code", "token"), [
    ("m2m100", "ja", "__ja__"), ("m2m100", "ko", "__ko__"), ("m2m100", "en", "__en__"),
    ("nllb", "en", "eng_Latn"), ("nllb", "ja", "jpn_Jpan"), ("nllb", "ko", "kor_Hang"),
    ("mbart50", "en", "en_XX"), ("mbart50", "ja", "ja_XX"), ("mbart50", "ko", "ko_KR"),
])
def test_token_for_each_architecture(architecture, code, token):
    assert token_for(architecture, code) == token


@pytest.mark.parametrize(("architecture", "src_lang", "target_token"), [
    ("m2m100", "en", "__ja__"), ("nllb", "eng_Latn", "jpn_Jpan"), ("mbart50", "en_XX", "ja_XX"),
])
def test_forced_bos_plans(architecture, src_lang, target_token):
    vocab = {token_for(architecture, "en"), token_for(architecture, "ja")}
    plan = plan_for(architecture, "en", "ja", vocab)
    assert (plan.src_lang, plan.target_token, plan.source_prefix) == (src_lang, target_token, "")


@pytest.mark.parametrize(("vocab", "target", "prefix"), [
    ({">>jpn<<", ">>kor<<", "▁a"}, "ja", ">>jpn<< "),
    ({">>jpn<<", ">>kor<<", "▁a"}, "ko", ">>kor<< "),
    ({">>kor_Hang<<", "▁a"}, "ko", ">>kor_Hang<< "),
    ({"▁a", "▁b"}, "ja", ""),
])
def test_marian_prefix_from_vocabulary(vocab, target, prefix):
    assert plan_for("marian", "en", target, vocab).source_prefix == prefix


def test_marian_spec_token_wins():
    assert plan_for("marian", "en", "ko", {"▁a"}, lang_token=">>kor<<").source_prefix == ">>kor<< "


def test_marian_multi_target_without_target_is_unsupported():
    with pytest.raises(UnsupportedPairError):
        plan_for("marian", "en", "ko", {">>jpn<<"})


def test_forced_bos_model_without_the_language_is_unsupported():
    with pytest.raises(UnsupportedPairError):
        plan_for("nllb", "en", "ko", {"eng_Latn", "jpn_Jpan"})


@pytest.mark.parametrize("code", ["xx", "", "EN"])
def test_unknown_code_is_rejected(code):
    with pytest.raises(UnknownLanguageError):
        plan_for("marian", "en", code, set())
