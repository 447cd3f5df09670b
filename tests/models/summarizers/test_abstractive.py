"""Abstractive summarizer on tiny random-weight models: shape and behaviour, never wording."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from models.registry import ModelSpec
from models.summarizers.abstractive import AbstractiveSummarizer, best_source, ct2_generation_kwargs
from models.summarizers.base import Summarizer, SummarySentence
from service.errors import ModelCorruptError, ModelMissingError
from service.pipeline.segmentation import split_sentences
from service.pipeline.summary_policy import segment_written
from service.settings import SummaryOptions

BART_FOLDER = "briefs-tiny--bart"  # documented in models/tiny.py
CT2_FOLDER = f"{BART_FOLDER}--ct2-int8"
SPEC = ModelSpec(task="summarization", key="abstractive", engine="transformers",
                 model="briefs-tiny/bart", architecture="bart", tiny=True)
CT2_SPEC = dataclasses.replace(SPEC, engine="ctranslate2")


@pytest.fixture(scope="module")
def bart_dir(tiny_models_dir: Path) -> Path:
    return tiny_models_dir / BART_FOLDER


@pytest.fixture(scope="module")
def ct2_dir(tiny_models_dir: Path) -> Path:
    return tiny_models_dir / CT2_FOLDER


@pytest.fixture(scope="module", params=["transformers", "ctranslate2"])
def summarizer(request: pytest.FixtureRequest, bart_dir: Path, ct2_dir: Path) -> AbstractiveSummarizer:
    if request.param == "ctranslate2":
        return AbstractiveSummarizer(CT2_SPEC, ct2_dir, SummaryOptions())
    return AbstractiveSummarizer(SPEC, bart_dir, SummaryOptions())


ARTICLE = [
    "The United States and Japan condemned Russia's military cooperation with China.",
    "Ministers met in Tokyo for the security talks.",
    "Japan will produce more missile interceptors for export.",
]


def test_is_a_summarizer(summarizer: AbstractiveSummarizer) -> None:
    assert isinstance(summarizer, Summarizer)
    assert summarizer.name == "abstractive"


@pytest.mark.parametrize("count", [1, 2, 5])
def test_summary_shape(summarizer: AbstractiveSummarizer, count: int) -> None:
    written = summarizer.summarize(ARTICLE, count)
    assert len(written) == 1
    assert written[0].source_index is None
    # As the pipeline sees it: split into sentences by the service.
    summary = segment_written(written, ARTICLE, count)
    assert isinstance(summary, list)
    assert 1 <= len(summary) <= count
    for sentence in summary:
        assert isinstance(sentence, SummarySentence)
        assert sentence.text.strip()
        assert sentence.source_index is None or 0 <= sentence.source_index < len(ARTICLE)


def test_news_article_sentences(summarizer: AbstractiveSummarizer, news_article: str) -> None:
    summary = summarizer.summarize(split_sentences(news_article), 3)
    assert 1 <= len(summary) <= 3
    assert all(s.text for s in summary)


def test_input_longer_than_the_model_is_truncated(summarizer: AbstractiveSummarizer) -> None:
    long_article = ARTICLE * 200
    assert 1 <= len(summarizer.summarize(long_article, 2)) <= 2


def test_empty_article_gives_empty_summary(summarizer: AbstractiveSummarizer) -> None:
    assert summarizer.summarize([], 3) == []
    assert summarizer.summarize(["", "  "], 3) == []


@pytest.mark.parametrize("count", [0, -2, 1.5, True])
def test_bad_count(summarizer: AbstractiveSummarizer, count) -> None:
    with pytest.raises(ValueError, match="count must be an integer >= 1"):
        summarizer.summarize(ARTICLE, count)


def test_a_single_string_is_refused(summarizer: AbstractiveSummarizer) -> None:
    with pytest.raises(TypeError):
        summarizer.summarize("One article as a string.", 1)


def test_output_is_handed_over_as_written(summarizer: AbstractiveSummarizer) -> None:
    # Splitting into sentences and tracing them back is the service's (service/pipeline/summary_policy.py).
    written = "Ministers met in Tokyo for talks. Japan will export interceptors."
    assert summarizer.postprocess(written) == [SummarySentence(written, None)]
    assert summarizer.postprocess("") == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Ministers met in Tokyo.", 1),
        ("Russia's cooperation with China was condemned.", 0),
        ("Interceptors for export", 2),
        ("Completely unrelated words here.", None),
        ("the and of", None),
        ("", None),
    ],
)
def test_best_source(sentence: str, expected: int | None) -> None:
    assert best_source(sentence, ARTICLE) == expected


def test_folder_without_config_is_corrupt(bart_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "bart"
    shutil.copytree(bart_dir, broken)
    (broken / "config.json").unlink()
    with pytest.raises(ModelCorruptError):
        AbstractiveSummarizer(SPEC, broken, SummaryOptions())


def test_truncated_weights_are_corrupt(bart_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "bart"
    shutil.copytree(bart_dir, broken)
    weights = next(broken.glob("*.safetensors"))
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(ModelCorruptError):
        AbstractiveSummarizer(SPEC, broken, SummaryOptions())


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError):
        AbstractiveSummarizer(SPEC, tmp_path / "absent", SummaryOptions())


def test_bad_max_length(bart_dir: Path) -> None:
    with pytest.raises(ValueError, match="max_length must be >= 1"):
        AbstractiveSummarizer(SPEC, bart_dir, SummaryOptions(), max_length=0)


def test_t5_gets_its_task_prefix(bart_dir: Path, tmp_path: Path) -> None:
    # A tiny random T5 using the tiny BART's tokenizer files: enough to load and generate.
    from transformers import AutoTokenizer, T5Config, T5ForConditionalGeneration

    tokenizer = AutoTokenizer.from_pretrained(bart_dir)
    config = T5Config(vocab_size=len(tokenizer), d_model=16, d_kv=8, d_ff=32, num_layers=1,
                      num_heads=2, pad_token_id=tokenizer.pad_token_id,
                      eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.pad_token_id)
    folder = tmp_path / "t5"
    T5ForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    spec = ModelSpec(task="summarization", key="abstractive", engine="transformers",
                     model="tiny/t5", architecture="t5")
    t5 = AbstractiveSummarizer(spec, folder, SummaryOptions(), max_length=12)
    assert t5._prefix == "summarize: "
    summary = t5.summarize(ARTICLE, 2)
    assert len(summary) <= 2
    assert all(isinstance(s, SummarySentence) for s in summary)


def test_each_engine_runs_on_its_own_form(summarizer: AbstractiveSummarizer) -> None:
    assert summarizer.engine == summarizer.spec.engine


def test_both_engines_give_sentences_with_provenance(bart_dir: Path, ct2_dir: Path) -> None:
    for engine in (AbstractiveSummarizer(SPEC, bart_dir, SummaryOptions()),
                   AbstractiveSummarizer(CT2_SPEC, ct2_dir, SummaryOptions())):
        summary = segment_written(engine.summarize(ARTICLE, 3), ARTICLE, 3)
        assert 1 <= len(summary) <= 3, engine.engine
        assert all(s.text.strip() and (s.source_index is None or 0 <= s.source_index < len(ARTICLE))
                   for s in summary), engine.engine


def test_concurrent_ctranslate2_summaries(ct2_dir: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    engine = AbstractiveSummarizer(CT2_SPEC, ct2_dir, SummaryOptions())
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda n: engine.summarize(ARTICLE[n % 3:], 2), range(8)))
    assert all(len(r) == 1 and r[0].source_index is None and r[0].text for r in results)


def test_ctranslate2_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError):
        AbstractiveSummarizer(CT2_SPEC, tmp_path / "absent", SummaryOptions())


@pytest.mark.parametrize("broken_file", ["model.bin", "config.json"])
def test_ctranslate2_corrupt_folder(ct2_dir: Path, tmp_path: Path, broken_file: str) -> None:
    broken = tmp_path / "bart-ct2"
    shutil.copytree(ct2_dir, broken)
    (broken / broken_file).write_bytes(b"not a model")
    with pytest.raises(ModelCorruptError):
        AbstractiveSummarizer(CT2_SPEC, broken, SummaryOptions())


def test_ctranslate2_folder_is_not_loaded_by_transformers(ct2_dir: Path) -> None:
    with pytest.raises(ModelCorruptError):
        AbstractiveSummarizer(SPEC, ct2_dir, SummaryOptions())


@pytest.mark.parametrize(
    ("generation", "max_length", "expected"),
    [
        ({}, 142, {"beam_size": 1, "max_decoding_length": 141, "min_decoding_length": 1,
                   "length_penalty": 1.0, "no_repeat_ngram_size": 0}),
        # distilbart-cnn's own settings
        ({"num_beams": 4, "min_length": 56, "max_length": 142, "length_penalty": 2.0,
          "no_repeat_ngram_size": 3}, 142,
         {"beam_size": 4, "max_decoding_length": 141, "min_decoding_length": 55,
          "length_penalty": 2.0, "no_repeat_ngram_size": 3}),
        ({"min_new_tokens": 8, "min_length": 56}, 32, {"min_decoding_length": 8, "max_decoding_length": 31}),
        ({"min_length": 500}, 20, {"min_decoding_length": 19, "max_decoding_length": 19}),
        ({"num_beams": True, "length_penalty": "2"}, 2, {"beam_size": 1, "length_penalty": 1.0,
                                                         "max_decoding_length": 1}),
        ({"repetition_penalty": 1.2}, 10, {"repetition_penalty": 1.2}),
    ],
)
def test_ct2_generation_kwargs(generation: dict, max_length: int, expected: dict) -> None:
    kwargs = ct2_generation_kwargs(generation, max_length)
    assert {k: kwargs[k] for k in expected} == expected
    assert kwargs["max_input_length"] == 0
