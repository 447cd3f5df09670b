"""The engine base class owns translate_batch: validation, language plan, chunks, one output per input."""
from __future__ import annotations

from collections.abc import Sequence

import pytest

import models.engines.base as base
from models.engines.base import Seq2SeqTranslator, Translator, source_token_limit
from models.langcodes import LanguagePlan
from models.registry import ModelSpec
from service.errors import UnsupportedPairError
from service.settings import TranslationOptions

SPEC = ModelSpec(task="translation", key="en-ja", engine="fake", model="fake/marian", architecture="marian")


class WordTokenizer:
    """Just enough of a transformers tokenizer: a multi-target Marian vocabulary with ja only."""

    unk_token_id = 0
    model_max_length = 1_000_000_000_000  # what tokenizers without a limit report

    def __init__(self) -> None:
        self.vocab = {"<unk>": 0, ">>jpn<<": 1, "hello": 2, "world": 3}
        self.src_lang: str | None = None

    def get_vocab(self) -> dict[str, int]:
        return dict(self.vocab)

    def convert_tokens_to_ids(self, token: str) -> int:
        return self.vocab.get(token, 0)

    def __call__(self, texts: list[str], truncation: bool, max_length: int) -> dict[str, list[list[int]]]:
        return {"input_ids": [[self.convert_tokens_to_ids(w) for w in t.split()][:max_length] for t in texts]}

    def batch_decode(self, rows: list[list[int]], skip_special_tokens: bool) -> list[str]:
        words = {i: w for w, i in self.vocab.items()}
        return [" " + " ".join(words[i] for i in row) + " " for row in rows]


class EchoEngine(Seq2SeqTranslator[list[str], list[str]]):
    """Upper-cases its input; records what reached each step."""

    def __init__(self, chunk: int | None = None) -> None:
        super().__init__(SPEC, TranslationOptions(), WordTokenizer())
        self.chunks: list[list[str]] = []
        self.plans = 0
        self._chunk = chunk

    def chunk_size(self) -> int | None:
        return self._chunk

    def language_plan(self, source_lang: str, target_lang: str) -> LanguagePlan:
        self.plans += 1
        return super().language_plan(source_lang, target_lang)

    def preprocess(self, texts: Sequence[str], plan: LanguagePlan) -> list[str]:
        self.chunks.append(list(texts))
        return [plan.source_prefix + t for t in texts]

    def forward(self, encoded: list[str], plan: LanguagePlan) -> list[str]:
        return [e.upper() for e in encoded]

    def postprocess(self, generated: list[str], plan: LanguagePlan) -> list[str]:
        return generated


def test_an_engine_is_a_translator() -> None:
    assert isinstance(EchoEngine(), Translator)


def test_outputs_keep_input_order_and_blanks_never_reach_the_model() -> None:
    engine = EchoEngine()
    assert engine.translate_batch(["a", " ", "b", ""], "en", "ja") == [">>JPN<< A", "", ">>JPN<< B", ""]
    assert engine.chunks == [["a", "b"]]


@pytest.mark.parametrize(("chunk", "sizes"), [(None, [5]), (2, [2, 2, 1]), (1, [1] * 5), (9, [5])])
def test_chunks_follow_chunk_size(chunk: int | None, sizes: list[int]) -> None:
    engine = EchoEngine(chunk=chunk)
    texts = ["a", "b", "c", "d", "e"]
    assert engine.translate_batch(texts, "en", "ja") == [f">>JPN<< {t.upper()}" for t in texts]
    assert [len(c) for c in engine.chunks] == sizes


def test_languages_are_planned_once_per_batch() -> None:
    engine = EchoEngine(chunk=1)
    engine.translate_batch(["a", "b", "c"], "en", "ja")
    assert engine.plans == 1


def test_the_batch_is_validated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = base.validated_texts
    monkeypatch.setattr(base, "validated_texts", lambda texts: calls.append(texts) or real(texts))
    EchoEngine(chunk=1).translate_batch(["a", "b"], "en", "ja")
    assert len(calls) == 1


@pytest.mark.parametrize("texts", ["one string", ["a", 3], [None]], ids=["string", "int-item", "none-item"])
def test_bad_batches_are_type_errors_before_the_model(texts: object) -> None:
    engine = EchoEngine()
    with pytest.raises(TypeError):
        engine.translate_batch(texts, "en", "ja")  # type: ignore[arg-type]
    assert engine.chunks == []
    assert engine.plans == 0


def test_empty_batch_is_empty_without_planning() -> None:
    engine = EchoEngine()
    assert engine.translate_batch([], "en", "ko") == []
    assert engine.plans == 0


@pytest.mark.parametrize("texts", [["a"], ["", " "]], ids=["text", "blanks-only"])
def test_unsupported_pair_fails_before_the_model(texts: list[str]) -> None:
    engine = EchoEngine()
    with pytest.raises(UnsupportedPairError):
        engine.translate_batch(texts, "en", "ko")
    assert engine.chunks == []


class TooFew(EchoEngine):
    def postprocess(self, generated: list[str], plan: LanguagePlan) -> list[str]:
        return generated[1:]


class TooMany(EchoEngine):
    def postprocess(self, generated: list[str], plan: LanguagePlan) -> list[str]:
        return [*generated, "extra"]


@pytest.mark.parametrize("engine_class", [TooFew, TooMany])
def test_a_wrong_number_of_outputs_is_an_error(engine_class: type[EchoEngine]) -> None:
    with pytest.raises(RuntimeError, match="translations for 2 texts"):
        engine_class().translate_batch(["a", "b"], "en", "ja")


def test_the_three_steps_are_required() -> None:
    class NoSteps(Seq2SeqTranslator[list[str], list[str]]):
        pass

    with pytest.raises(TypeError):
        NoSteps(SPEC, TranslationOptions(), WordTokenizer())  # type: ignore[abstract]


def test_encode_adds_the_plan_prefix_and_truncates() -> None:
    engine = EchoEngine()
    engine.max_source_tokens = 2
    plan = LanguagePlan(source_prefix=">>jpn<< ", src_lang="eng")
    assert engine.encode([" hello world "], plan)["input_ids"] == [[1, 2]]
    assert engine.tokenizer.src_lang == "eng"


def test_decode_drops_the_target_token_and_strips() -> None:
    engine = EchoEngine()
    assert engine.decode([[1, 2, 3], [2]], LanguagePlan(target_token=">>jpn<<")) == ["hello world", "hello"]
    assert engine.decode([[1, 2]], LanguagePlan()) == [">>jpn<< hello"]


@pytest.mark.parametrize(("limits", "expected"), [((), 512), ((64,), 64), ((None, 0, 300), 300), ((128, 64), 64)])
def test_source_token_limit_takes_the_smallest_sane_limit(limits: tuple[object, ...], expected: int) -> None:
    assert source_token_limit(WordTokenizer(), *limits) == expected
