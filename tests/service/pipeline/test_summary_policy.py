"""Summary policy: sentence counts, and written summaries split into traced sentences."""
from __future__ import annotations

import pytest

from models.summarizers.base import SummarySentence
from service.pipeline.summary_policy import segment_written, summary_count

ARTICLE = [
    "The United States and Japan condemned Russia's military cooperation with China.",
    "Ministers met in Tokyo for the security talks.",
    "Japan will produce more missile interceptors for export.",
]
WRITTEN = ("Ministers met in Tokyo for talks. MINISTERS met in Tokyo for talks. "
           "Japan will export interceptors. Cats purr loudly.")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((20, None, None, 5, 50), 5),
        ((3, None, None, 5, 50), 3),
        ((20, 7, None, 5, 50), 7),
        ((20, 30, None, 5, 10), 10),
        ((20, None, 0.25, 5, 50), 5),
        ((10, None, 0.33, 5, 50), 4),
        ((10, None, 1.0, 5, 50), 10),
        ((3, None, 0.01, 5, 50), 1),
        ((0, None, None, 5, 50), 0),
    ],
)
def test_summary_count(args, expected: int) -> None:
    assert summary_count(*args) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((10, 0, None, 5, 50), "sentences must be an integer >= 1"),
        ((10, -3, None, 5, 50), "sentences must be an integer >= 1"),
        ((10, None, 0.0, 5, 50), r"ratio must be in \(0, 1\]"),
        ((10, None, 1.5, 5, 50), r"ratio must be in \(0, 1\]"),
        ((10, None, -0.2, 5, 50), r"ratio must be in \(0, 1\]"),
        ((10, 3, 0.5, 5, 50), "give either sentences or ratio, not both"),
        ((-1, None, None, 5, 50), "n_sentences must be >= 0"),
        ((10, None, None, 0, 50), "default and maximum must be >= 1"),
        ((10, None, None, 5, 0), "default and maximum must be >= 1"),
    ],
)
def test_summary_count_bad_values(args, message) -> None:
    with pytest.raises(ValueError, match=message):
        summary_count(*args)


def test_written_text_is_split_deduplicated_and_traced_back() -> None:
    summary = segment_written([SummarySentence(WRITTEN, None)], ARTICLE, 3)
    assert summary == [
        SummarySentence("Ministers met in Tokyo for talks.", 1),
        SummarySentence("Japan will export interceptors.", 2),
        SummarySentence("Cats purr loudly.", None),
    ]


@pytest.mark.parametrize("count", [1, 2])
def test_written_text_is_cut_at_the_count(count: int) -> None:
    summary = segment_written([SummarySentence(WRITTEN, None)], ARTICLE, count)
    assert [s.source_index for s in summary] == [1, 2][:count]


def test_picked_sentences_pass_unchanged() -> None:
    # Repeats are kept: an extractive summary of an article that repeats itself says so twice.
    picked = [SummarySentence(ARTICLE[1], 1), SummarySentence(ARTICLE[1], 1), SummarySentence(ARTICLE[2], 2)]
    assert segment_written(picked, ARTICLE, 2) == picked


@pytest.mark.parametrize("written", ["", "   "])
def test_blank_written_text_gives_no_sentences(written: str) -> None:
    assert segment_written([SummarySentence(written, None)], ARTICLE, 3) == []
