"""The engines' own scores (mean log-probability per output token) beside their outputs, on the tiny models."""
from __future__ import annotations

import dataclasses
import math

import pytest

from models.engines.base import Scored, translate_scored

from .conftest import SENTENCES
from .test_ctranslate2_engine import MARIAN_JA, NLLB
from .test_ctranslate2_engine import load as load_ct2
from .test_transformers_engine import load as load_transformers

ENGINES = [
    ("ctranslate2", lambda d, o: load_ct2(d, MARIAN_JA, "marian", o), "ja"),
    ("ctranslate2-nllb", lambda d, o: load_ct2(d, NLLB, "nllb", o), "ko"),
    ("transformers", lambda d, o: load_transformers(d, "briefs-tiny--marian-en-ko", "marian", o), "ko"),
    ("transformers-m2m100", lambda d, o: load_transformers(d, "briefs-tiny--m2m100", "m2m100", o), "ja"),
]


@pytest.mark.parametrize(("name", "load", "target"), ENGINES, ids=[e[0] for e in ENGINES])
def test_scored_outputs_are_the_plain_outputs_with_a_log_probability(tiny_models_dir, options, name, load, target):
    translator = load(tiny_models_dir, options)
    texts = [SENTENCES[0], "   ", SENTENCES[1]]
    scored = translator.translate_scored(texts, "en", target)
    assert [s.text for s in scored] == translator.translate_batch(texts, "en", target)
    assert scored[1] == Scored("", None)
    for item in (scored[0], scored[2]):
        assert isinstance(item.score, float)
        assert math.isfinite(item.score)
        assert item.score < 0


def test_transformers_score_is_the_mean_log_probability_of_the_generated_tokens(tiny_models_dir, options):
    """Checked against transformers' own ``compute_transition_scores`` on the raw logits (greedy decoding)."""
    import torch

    greedy = dataclasses.replace(options, beam_size=1)
    from models.engines.transformers_engine import TransformersTranslator

    from .conftest import tiny_spec

    translator = TransformersTranslator(tiny_spec("marian"), tiny_models_dir / "briefs-tiny--marian-en-ja", greedy)
    plan = translator.language_plan("en", "ja")
    encoded = translator.preprocess(SENTENCES[:2], plan)
    mine = translator.forward(encoded, plan).scores
    model = translator.model
    with torch.inference_mode():
        out = model.generate(**encoded, num_beams=1, max_length=greedy.max_length, output_logits=True,
                             return_dict_in_generate=True)
        steps = model.compute_transition_scores(out.sequences, out.logits, normalize_logits=True)
    pad = model.generation_config.pad_token_id
    for row, score in enumerate(mine):
        counted = out.sequences[row, 1:] != pad
        expected = float(steps[row][counted].mean())
        assert score == pytest.approx(expected, abs=1e-4)


class Plain:
    """A translator without scores (a wrapper or fake that only knows translate_batch)."""

    def translate_batch(self, texts, source_lang, target_lang):
        return [t.upper() for t in texts]


def test_a_translator_without_scores_gives_none():
    assert translate_scored(Plain(), ["a", "b"], "en", "ja") == [Scored("A"), Scored("B")]
