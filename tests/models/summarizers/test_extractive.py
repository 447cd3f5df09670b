"""Extractive summarizer: selection rules on a fake embedder, quality on the real MiniLM."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from models.embeddings import EMBEDDING_ENGINES, default_model_path, load_embedder
from models.summarizers.base import Summarizer, SummarySentence
from models.summarizers.extractive import ExtractiveSummarizer
from service.pipeline.segmentation import Sentence, split_sentences
from service.settings import SummaryOptions
from tests.helpers import OWN_ARTICLES, read_article


class TableEmbedder:
    """Test double: a fixed vector per sentence text, and a count of model calls."""

    def __init__(self, table: dict[str, Sequence[float]]) -> None:
        self.table = table
        self.calls = 0
        self.embedded: list[str] = []

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.embedded += sentences
        rows = np.array([self.table[s] for s in sentences], dtype=np.float64)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def sentences_of(n: int) -> list[str]:
    return [f"Sentence number {i} says something new." for i in range(n)]


def one_hot(texts: list[str]) -> dict[str, list[float]]:
    return {t: [1.0 if j == i else 0.0 for j in range(len(texts))] for i, t in enumerate(texts)}


def summarize(table, texts, count, **options) -> list[int]:
    summarizer = ExtractiveSummarizer(TableEmbedder(table), SummaryOptions(**options))
    return [s.source_index for s in summarizer.summarize(texts, count)]


def test_is_a_summarizer() -> None:
    summarizer = ExtractiveSummarizer(TableEmbedder({}), SummaryOptions())
    assert isinstance(summarizer, Summarizer)
    assert summarizer.name == "extractive"


def test_lead_bias_breaks_ties_towards_the_top() -> None:
    # One-hot vectors are all equally central, so only position can decide.
    texts = sentences_of(6)
    assert summarize(one_hot(texts), texts, 2, lead_bias=0.25) == [0, 1]


def test_centrality_beats_position_without_lead_bias() -> None:
    texts = sentences_of(4)
    table = {texts[0]: [0, 0, 1], texts[1]: [1, 0.6, 0], texts[2]: [1, -0.6, 0], texts[3]: [1, 0, 0]}
    # Sentence 0 is off-topic; the others share the article's direction.
    assert summarize(table, texts, 1, lead_bias=0.0) == [3]
    assert 0 not in summarize(table, texts, 2, lead_bias=0.0, redundancy=1.0)


def test_strong_lead_bias_keeps_the_lead_even_if_off_centre() -> None:
    texts = sentences_of(4)
    table = {texts[0]: [0.3, 0, 1], texts[1]: [1, 0.1, 0], texts[2]: [1, -0.1, 0], texts[3]: [1, 0, 0]}
    assert summarize(table, texts, 1, lead_bias=0.9) == [0]


@pytest.mark.parametrize(("redundancy", "expected"), [(1.0, [0, 1]), (0.5, [1, 2])])
def test_mmr_trades_relevance_for_novelty(redundancy: float, expected: list[int]) -> None:
    texts = sentences_of(4)
    # 0 and 1 are the two most central and similar (cos 0.89, under the duplicate
    # threshold); 2 is less central but new; 3 is off-topic.
    table = {
        texts[0]: [1, 0.6, 0, 0],
        texts[1]: [1, 0.6, 0.6, 0],
        texts[2]: [1, -0.9, 0, 0],
        texts[3]: [0, 0, 0.3, 1],
    }
    assert summarize(table, texts, 2, lead_bias=0.0, redundancy=redundancy) == expected


def test_near_identical_sentences_are_never_both_chosen() -> None:
    texts = sentences_of(4)
    table = {texts[0]: [1, 0, 0], texts[1]: [1, 0.01, 0], texts[2]: [0, 1, 0], texts[3]: [0, 0, 1]}
    chosen = summarize(table, texts, 3, lead_bias=0.0, redundancy=1.0)
    assert not {0, 1} <= set(chosen)


def test_output_is_in_article_order() -> None:
    texts = sentences_of(6)
    table = one_hot(texts)
    table[texts[5]] = [1, 1, 1, 1, 1, 1]  # most central, last in the article
    chosen = summarize(table, texts, 3, lead_bias=0.0)
    assert 5 in chosen
    assert chosen == sorted(chosen)


@pytest.mark.parametrize(
    "skipped",
    [
        Sentence("Big Headline Here Today Now", 0, 1, is_headline=True),
        "Too short.",
        "continuing fragment of a sentence that broke.",
        "An unpunctuated caption line with words",
    ],
)
def test_headlines_short_and_fragments_are_not_picked(skipped) -> None:
    texts = sentences_of(4)
    items = [skipped, *texts]
    text_of = getattr(skipped, "text", skipped)
    table = {**one_hot(texts), text_of: [1, 1, 1, 1]}  # the most central of all
    table = {k: list(v) + [0.0] * (4 - len(v)) for k, v in table.items()}
    chosen = summarize(table, items, 2, lead_bias=0.0)
    assert 0 not in chosen
    assert len(chosen) == 2


def test_skipped_sentences_fill_in_when_too_few_others() -> None:
    items = [Sentence("Big Headline Here", 0, 1, is_headline=True), "Short one.",
             "A proper sentence with enough words.", "Another proper sentence with words."]
    table = one_hot([getattr(t, "text", t) for t in items])
    chosen = summarize(table, items, 3)
    assert chosen == [1, 2, 3]


def test_count_at_least_length_returns_everything_without_the_model() -> None:
    embedder = TableEmbedder({})
    texts = sentences_of(3)
    result = ExtractiveSummarizer(embedder, SummaryOptions()).summarize(texts, 3)
    assert result == [SummarySentence(t, i) for i, t in enumerate(texts)]
    assert embedder.calls == 0


def test_model_is_called_once_per_summary() -> None:
    texts = sentences_of(8)
    embedder = TableEmbedder(one_hot(texts))
    ExtractiveSummarizer(embedder, SummaryOptions()).summarize(texts, 3)
    assert embedder.calls == 1


def test_each_sentence_is_embedded_once() -> None:
    texts = sentences_of(8)
    embedder = TableEmbedder(one_hot(texts))
    ExtractiveSummarizer(embedder, SummaryOptions()).summarize(texts, 3)
    assert sorted(embedder.embedded) == sorted(texts)


@pytest.mark.parametrize("count", [0, -1, 2.5, True])
def test_bad_count(count) -> None:
    with pytest.raises(ValueError, match="count must be an integer >= 1"):
        ExtractiveSummarizer(TableEmbedder({}), SummaryOptions()).summarize(["A b c d e."], count)


def test_a_single_string_is_refused() -> None:
    with pytest.raises(TypeError):
        ExtractiveSummarizer(TableEmbedder({}), SummaryOptions()).summarize("One text.", 1)


@pytest.mark.parametrize("options", [SummaryOptions(lead_bias=1.5), SummaryOptions(redundancy=-0.1)])
def test_bad_options(options: SummaryOptions) -> None:
    with pytest.raises(ValueError, match="lead_bias and redundancy must be within"):
        ExtractiveSummarizer(TableEmbedder({}), options)


# ---- the real all-MiniLM-L6-v2 model on the seed article -------------------------


@pytest.fixture(scope="module", params=EMBEDDING_ENGINES)
def minilm(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """all-MiniLM-L6-v2 on each backend: every quality check below runs on both."""
    return load_embedder(default_model_path(), SummaryOptions(
        embedding_engine=request.param, embedding_cache_dir=str(tmp_path_factory.mktemp("embeddings"))))


def picked(summary: list[SummarySentence]) -> str:
    return "\n".join(s.text for s in summary)


# What a good summary of the seed article must hold, and why:
# - LEAD: the first body sentence ("...today condemned Russia's growing military
#   cooperation with China and North Korea..."): the news itself, per the inverted pyramid.
# - MEETING: "Secretary of State Antony Blinken and Secretary of Defense Lloyd Austin
#   joined ... Kamikawa and Minoru Kihara at the Japan-US Security Consultative
#   Committee": who met, where and why; without it the lead has no context.
# - KEY_FACTS: one concrete outcome or position beyond the condemnation itself: the
#   command-and-control upgrade, China's coercive behaviour, the PAC-3 production,
#   or the 50,000 troops without command authority.
# - REPEATS of the lead's condemnation (the joint statement, Austin on North Korea and
#   its duplicated fragment) add nothing to a 3-sentence summary next to the lead.
LEAD = "today condemned Russia's growing military cooperation"
MEETING = "Japan-US Security Consultative Committee"
KEY_FACTS = ("command and control structures", "engaging in coercive behavior",
             "PAC-3", "does not have command authority")
FRAGMENT = "cooperation with Russia “threatens"


@pytest.mark.slow
def test_seed_three_sentence_summary(minilm, seed_article: str) -> None:
    sentences = split_sentences(seed_article)
    summary = ExtractiveSummarizer(minilm, SummaryOptions()).summarize(sentences, 3)
    text = picked(summary)
    assert len(summary) == 3
    assert LEAD in text
    assert MEETING in text
    assert any(fact in text for fact in KEY_FACTS), text
    assert "strongly condemned the deepening cooperation" not in text  # repeats the lead
    assert not summary[0].text.startswith("USA And Japan")  # the headline


@pytest.mark.slow
def test_seed_five_sentence_summary(minilm, seed_article: str) -> None:
    sentences = split_sentences(seed_article)
    summary = ExtractiveSummarizer(minilm, SummaryOptions()).summarize(sentences, 5)
    text = picked(summary)
    assert len(summary) == 5
    assert LEAD in text
    assert MEETING in text
    assert any(fact in text for fact in KEY_FACTS), text
    assert FRAGMENT not in text
    indices = [s.source_index for s in summary]
    assert indices == sorted(indices)
    assert 0 not in indices
    assert all(s.text == sentences[s.source_index].text for s in summary)


@pytest.mark.slow
@pytest.mark.parametrize("count", [1, 2, 4, 8])
def test_seed_count_is_honoured(minilm, seed_article: str, count: int) -> None:
    sentences = split_sentences(seed_article)
    summary = ExtractiveSummarizer(minilm, SummaryOptions()).summarize(sentences, count)
    assert len(summary) == count
    if count == 1:
        assert LEAD in summary[0].text


@pytest.mark.slow
@pytest.mark.parametrize("count", [1, 3, 5])
def test_news_article_summary_shape(minilm, news_article: str, count: int) -> None:
    """Any count: that many sentences, article order, never the headline; one sentence is the lead."""
    sentences = split_sentences(news_article)
    summary = ExtractiveSummarizer(minilm, SummaryOptions()).summarize(sentences, count)
    indices = [s.source_index for s in summary]
    assert len(summary) == count
    assert indices == sorted(indices)
    assert 0 not in indices
    assert all(s.text == sentences[s.source_index].text for s in summary)
    if count == 1:
        assert indices == [1]


@pytest.mark.slow
def test_a_pasted_fragment_is_not_chosen(minilm) -> None:
    # ministers_meeting.txt carries a lower-case paragraph left over from pasting (sentence 6).
    sentences = split_sentences(read_article(OWN_ARTICLES[1]))
    assert sentences[6].text.startswith("cooperation between")
    summary = ExtractiveSummarizer(minilm, SummaryOptions()).summarize(sentences, 5)
    assert 6 not in [s.source_index for s in summary]


@pytest.mark.slow
def test_seed_repeated_sentence_is_chosen_once(minilm, seed_article: str) -> None:
    # Pasted text often repeats a paragraph; the copy must not fill a summary slot.
    sentences = [s.text for s in split_sentences(seed_article)]
    meeting = next(s for s in sentences if MEETING in s)
    doubled = [*sentences[:6], meeting.replace("Secretary of State", "Secretary of state"), *sentences[6:]]
    summary = ExtractiveSummarizer(minilm, SummaryOptions()).summarize(doubled, 5)
    assert sum(MEETING in s.text for s in summary) == 1


@pytest.mark.slow
@pytest.mark.parametrize("engine", EMBEDDING_ENGINES)
def test_path_builds_its_own_embedder(engine: str, tmp_path: Path) -> None:
    options = SummaryOptions(embedding_engine=engine, embedding_cache_dir=str(tmp_path))
    summarizer = ExtractiveSummarizer(Path(default_model_path()), options)
    assert getattr(summarizer.embedder, "engine", None) == engine
    assert len(summarizer.summarize(split_sentences(read_article(OWN_ARTICLES[0])), 2)) == 2


# ---- the ctranslate2 int8 path agrees with the torch path --------------------------


@pytest.fixture(scope="module")
def both_backends(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    cache = str(tmp_path_factory.mktemp("embeddings-both"))
    return {engine: load_embedder(default_model_path(), SummaryOptions(embedding_engine=engine,
                                                                        embedding_cache_dir=cache))
            for engine in EMBEDDING_ENGINES}


@pytest.mark.slow
@pytest.mark.parametrize("path", OWN_ARTICLES, ids=[p.stem for p in OWN_ARTICLES])
def test_backends_give_the_same_vectors(both_backends, path: Path) -> None:
    texts = [s.text for s in split_sentences(read_article(path))]
    fast, exact = (both_backends[e].embed(texts) for e in ("ctranslate2", "torch"))
    assert fast.shape == exact.shape
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    assert float((fast * exact).sum(axis=1).min()) >= 0.98  # int8 weights: close, not identical


@pytest.mark.slow
@pytest.mark.parametrize("count", [1, 3, 5])
@pytest.mark.parametrize("path", OWN_ARTICLES, ids=[p.stem for p in OWN_ARTICLES])
def test_backends_pick_the_same_sentences(both_backends, path: Path, count: int) -> None:
    sentences = split_sentences(read_article(path))
    picks = {engine: [s.source_index for s in ExtractiveSummarizer(embedder, SummaryOptions()).summarize(
        sentences, count)] for engine, embedder in both_backends.items()}
    assert picks["ctranslate2"] == picks["torch"]


@pytest.mark.slow
def test_the_manager_converts_once_under_the_models_dir(settings) -> None:
    from models.manager import ModelManager

    summarizer = ModelManager(settings).summarizer("extractive")
    embedder = summarizer.embedder  # type: ignore[attr-defined]
    assert embedder.engine == "ctranslate2"
    assert embedder.converted.parent == settings.models_dir / ".cache" / "embeddings"
    again = ModelManager(settings).summarizer("extractive").embedder  # type: ignore[attr-defined]
    assert again.converted == embedder.converted  # a second process reuses the conversion


@pytest.mark.slow
def test_torch_is_selectable_in_the_settings(tmp_path: Path) -> None:
    from models.manager import ModelManager
    from tests.helpers import make_settings

    settings = make_settings(tmp_path, summary={"embedding_engine": "torch"})
    embedder = ModelManager(settings).summarizer("extractive").embedder  # type: ignore[attr-defined]
    assert embedder.engine == "torch"
    assert not (settings.models_dir / ".cache").exists()
