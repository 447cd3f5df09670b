"""A failing group is retried article by article; job-stopping errors are not swallowed."""
from __future__ import annotations

import pytest

import service.batch.groups as groups
from service.batch.extract import Article
from service.batch.groups import INTERNAL_ERROR, build_group, prefetch
from service.brief import AlignedSegment, Brief, BriefMeta
from service.errors import BadInputError, ModelMissingError

POISON = "poison"


def _articles(*texts: str) -> list[Article]:
    return [Article(f"a{n}", f"src{n}", "0" * 64, text=t) for n, t in enumerate(texts)]


def _fake_build(calls: list[int], failure: Exception):
    def build(texts, request, resources, *, learned=None):
        calls.append(len(texts))
        if any(POISON in t for t in texts):
            raise failure
        return [Brief([AlignedSegment("s1", 0, t, {"ja": "x"})], [], BriefMeta()) for t in texts]
    return build


@pytest.mark.parametrize(("failure", "expected"), [
    (BadInputError("the article is bad"), ("bad-input", "the article is bad")),
    (RuntimeError("secret internals"), INTERNAL_ERROR),
], ids=["typed", "unexpected"])
def test_one_bad_article_fails_alone(monkeypatch, failure, expected):
    calls: list[int] = []
    monkeypatch.setattr(groups, "build_briefs", _fake_build(calls, failure))
    outcomes = build_group(_articles("one", POISON, "three"), None, None, None)
    assert [o.error for o in outcomes] == [None, expected, None]
    assert [o.brief is not None for o in outcomes] == [True, False, True]
    assert calls == [3, 1, 1, 1]


def test_model_missing_stops_the_job(monkeypatch):
    monkeypatch.setattr(groups, "build_briefs", _fake_build([], ModelMissingError("no model")))
    with pytest.raises(ModelMissingError):
        build_group(_articles(POISON), None, None, None)


def test_brief_without_segments_is_a_failure(monkeypatch):
    monkeypatch.setattr(groups, "build_briefs", lambda texts, *a, **k: [Brief([], [], BriefMeta())])
    assert build_group(_articles("x"), None, None, None)[0].error[0] == "empty-text"


def test_prefetch_keeps_order_and_raises_reader_errors():
    assert list(prefetch(iter(range(50)), 2)) == list(range(50))

    def failing():
        yield 1
        raise BadInputError("damaged archive")

    with pytest.raises(BadInputError, match="damaged"):
        list(prefetch(failing(), 2))


def test_prefetch_stops_its_reader_when_left_early():
    produced: list[int] = []

    def endless():
        n = 0
        while n < 10_000:
            produced.append(n)
            yield n
            n += 1

    for item in prefetch(endless(), 2):
        if item == 3:
            break
    assert len(produced) < 100
