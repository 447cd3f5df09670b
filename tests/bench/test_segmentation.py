"""The bench's segmentation part: pass counts on both corpora, timings of the same text, the report rows."""
from __future__ import annotations

import pytest

from bench.report import machine, render
from bench.segmentation import corpus, run_segmentation


def test_the_corpus_is_the_news_cases_repeated_to_the_size_asked():
    documents = corpus(20_000)
    assert sum(len(d) + 2 for d in documents) >= 20_000
    assert documents[0] != documents[1]


def test_the_part_scores_both_corpora_and_times_the_same_text(monkeypatch):
    monkeypatch.setattr("bench.segmentation._pysbd", lambda: None)  # the service's row alone, pySBD or not
    result = run_segmentation(1, lambda _: None, size=30_000)
    [service] = result["rows"]
    assert (service["golden"], result["golden_total"]) == (47, 48)
    assert service["news_strict"] == service["news_lenient"] == result["news_total"]
    assert service["articles_s"] > 0
    assert service["one_text_s"] > 0
    assert "not installed" in result["pysbd"]


@pytest.fixture
def report_result() -> dict:
    row = {"segmenter": "service", "golden": 47, "news_strict": 74, "news_lenient": 74, "articles_s": 0.2,
           "one_text_s": 0.25, "piece_s": 0.02}
    other = {"segmenter": "pySBD 0.3.4", "golden": 47, "news_strict": None, "news_lenient": 61, "articles_s": 4.0,
             "one_text_s": None, "piece_s": 1.0}
    return {"chars": 1_000_000, "bytes": 1_000_000, "articles": 4450, "piece_chars": 100_000, "budget_s": 1.0,
            "golden_total": 48, "news_total": 74, "rows": [row, other]}


def test_the_report_compares_both_segmenters(report_result):
    text = render({"quick": True, "machine": machine(), "setup": {}, "segmentation": report_result})
    assert "## Segmentation (1.00 MB of news text, 4,450 articles; budget 1 s)" in text
    assert "| service | 47/48 | 74/74 | 74/74 | 0.200 | 0.250 | 0.020 | 5.00 |" in text
    assert "| pySBD 0.3.4 | 47/48 | – | 61/74 | 4.000 | – | 1.000 | 0.25 |" in text
    assert "The service segments 1 MB in 0.25 s, 0.25 of the budget." in text
    assert "pySBD / service: 20× as articles, 50× on one 100 kB text." in text
