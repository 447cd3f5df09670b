"""The translator interface, and the base class that owns it for seq2seq engines.

``Translator`` is the interface every engine and every wrapper implements. Like
Argos Translate's ITranslation: wrappers (glossary enforcement, caching, routing by
pair) take a Translator and are one, so they stack and each can be tested with a
dict-backed fake.

``Seq2SeqTranslator`` owns the contract the way transformers' ``Pipeline`` does:
``translate_batch`` validates the batch once, plans the languages once, sends the
non-blank texts through ``preprocess`` -> ``forward`` -> ``postprocess`` in chunks
and checks that each chunk gives one output per input. An engine supplies only
those three steps (tokenize with the plan's prefix, run its model, decode) and,
if it wants chunks, ``chunk_size``.

Scores: ``translate_scored`` gives each output with the engine's own score of it (the mean
log-probability per output token); an engine supplies ``scores`` for that, read from what
``forward`` returned. ``translate_batch`` stays the one-string-per-input contract; wrappers
that can pass scores on implement ``translate_scored`` too, and :func:`translate_scored` asks any
translator for scores, falling back to unscored outputs for one that has none.
"""
from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from models.langcodes import LanguagePlan, plan_for
from models.registry import ModelSpec
from service.settings import TranslationOptions

Encoded = TypeVar("Encoded")
Generated = TypeVar("Generated")
# Used when neither the tokenizer nor the model states a usable source length.
DEFAULT_MAX_SOURCE_TOKENS = 512


@runtime_checkable
class Translator(Protocol):
    """Translates a batch of sentences for one language pair, one output per input."""

    def translate_batch(
        self, texts: Sequence[str], source_lang: str, target_lang: str
    ) -> list[str]:
        """Return exactly ``len(texts)`` translations, in input order."""
        ...


@dataclass(frozen=True)
class Scored:
    """One translation and the engine's score of it: the mean log-probability per output token
    (natural log, end of sentence included); None when the engine gives none or it is not known."""

    text: str
    score: float | None = None


@runtime_checkable
class ScoringTranslator(Translator, Protocol):
    """A Translator that can also say how sure its engine was of each output."""

    def translate_scored(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[Scored]:
        """Exactly ``len(texts)`` scored translations, in input order."""
        ...


def translate_scored(translator: Translator, texts: Sequence[str], source_lang: str,
                     target_lang: str) -> list[Scored]:
    """Scored translations from any translator: its own scores if it gives them, None scores otherwise."""
    scored = getattr(translator, "translate_scored", None)
    if scored is None:
        return [Scored(text) for text in translator.translate_batch(texts, source_lang, target_lang)]
    return list(scored(texts, source_lang, target_lang))


def validated_texts(texts: Sequence[str]) -> list[str]:
    """The batch as a list; TypeError for a bare string or a non-string item."""
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of strings, not a string")
    texts = list(texts)
    if any(not isinstance(t, str) for t in texts):
        raise TypeError("every text must be a string")
    return texts


class TokenizerVocab:
    """A tokenizer's vocabulary as a container: a token is in it when it does not map to
    the unknown id (M2M100 keeps its language tokens outside ``get_vocab``)."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        self._tokens = dict(tokenizer.get_vocab())

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and (token in self._tokens or self.id(token) != self._tokenizer.unk_token_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._tokens)

    def id(self, token: str) -> int:
        """The id of ``token``."""
        return self._tokens.get(token, self._tokenizer.convert_tokens_to_ids(token))


def source_token_limit(tokenizer: Any, *limits: object) -> int:
    """The longest source to feed the model: the smallest sane limit among the tokenizer's
    ``model_max_length`` and ``limits`` (tokenizers without one report a huge number)."""
    candidates = [getattr(tokenizer, "model_max_length", None), *limits]
    usable = [int(v) for v in candidates if isinstance(v, int) and 0 < v < 1_000_000]
    return min(usable) if usable else DEFAULT_MAX_SOURCE_TOKENS


class Seq2SeqTranslator(ABC, Generic[Encoded, Generated]):
    """A Translator on a seq2seq model with a transformers tokenizer.

    One instance is shared by all threads of a process; the tokenizer sits behind a
    lock (its ``src_lang`` is state), so engines call it only through ``encode`` and
    ``decode``.
    """

    def __init__(self, spec: ModelSpec, options: TranslationOptions, tokenizer: Any,
                 max_source_tokens: int | None = None) -> None:
        self.spec, self.options, self.tokenizer = spec, options, tokenizer
        self.max_source_tokens = max_source_tokens or source_token_limit(tokenizer)
        self._vocab = TokenizerVocab(tokenizer)
        self._tokenizer_lock = threading.Lock()

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        """One translation per input, in order; blank inputs give ""."""
        return [scored.text for scored in self.translate_scored(texts, source_lang, target_lang)]

    def translate_scored(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[Scored]:
        """One scored translation per input, in order; blank inputs give "" without a score."""
        texts = validated_texts(texts)
        if not texts:
            return []
        plan = self.language_plan(source_lang, target_lang)
        results = [Scored("")] * len(texts)
        todo = [i for i, text in enumerate(texts) if text.strip()]
        size = max(1, self.chunk_size() or len(todo) or 1)
        for start in range(0, len(todo), size):
            chunk = todo[start:start + size]
            for i, scored in zip(chunk, self._translate_chunk([texts[i] for i in chunk], plan), strict=True):
                results[i] = scored
        return results

    def language_plan(self, source_lang: str, target_lang: str) -> LanguagePlan:
        """How this model names ``source_lang`` and ``target_lang``."""
        return plan_for(self.spec.architecture, source_lang, target_lang, self._vocab, self.spec.lang_token)

    def chunk_size(self) -> int | None:
        """How many texts go through one preprocess -> forward -> postprocess; None: all at once."""
        return None

    @abstractmethod
    def preprocess(self, texts: Sequence[str], plan: LanguagePlan) -> Encoded:
        """The model's input for non-blank ``texts`` (usually ``self.encode``)."""

    @abstractmethod
    def forward(self, encoded: Encoded, plan: LanguagePlan) -> Generated:
        """Run the model; the only step that touches it."""

    @abstractmethod
    def postprocess(self, generated: Generated, plan: LanguagePlan) -> list[str]:
        """One string per input (usually ``self.decode``)."""

    def scores(self, generated: Generated, count: int) -> list[float | None]:
        """The engine's mean log-probability per output token of each of the ``count`` outputs
        in ``generated``; None for each when the engine keeps none."""
        return [None] * count

    def encode(self, texts: Sequence[str], plan: LanguagePlan, **kwargs: Any) -> Any:
        """Tokenize ``texts`` with the plan's source prefix and ``src_lang``, truncated to the model."""
        with self._tokenizer_lock:
            if plan.src_lang is not None:
                self.tokenizer.src_lang = plan.src_lang
            return self.tokenizer([plan.source_prefix + t.strip() for t in texts], truncation=True,
                                  max_length=self.max_source_tokens, **kwargs)

    def decode(self, rows: Sequence[Sequence[int]], plan: LanguagePlan) -> list[str]:
        """Decoded, stripped strings without special tokens or the plan's target language token."""
        if plan.target_token is not None:
            # Some tokenizers (M2M100) do not mark language tokens special, so decode would keep them.
            target_id = self._vocab.id(plan.target_token)
            rows = [[t for t in row if t != target_id] for row in rows]
        with self._tokenizer_lock:
            decoded = self.tokenizer.batch_decode(rows, skip_special_tokens=True)
        return [text.strip() for text in decoded]

    def _translate_chunk(self, texts: list[str], plan: LanguagePlan) -> list[Scored]:
        generated = self.forward(self.preprocess(texts, plan), plan)
        outputs = self.postprocess(generated, plan)
        if len(outputs) != len(texts):
            raise RuntimeError(f"{type(self).__name__} gave {len(outputs)} translations for {len(texts)} texts")
        scores = self.scores(generated, len(outputs))
        if len(scores) != len(texts):
            raise RuntimeError(f"{type(self).__name__} gave {len(scores)} scores for {len(texts)} texts")
        return [Scored(text, score) for text, score in zip(outputs, scores, strict=True)]
