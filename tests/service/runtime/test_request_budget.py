"""The request budget: deadline checks between stages and engine batches, model slots that shed load."""
from __future__ import annotations

import threading

import pytest

from service.errors import DeadlineExceededError, OverloadedError
from service.pipeline import BriefRequest, build_brief, translate_segments
from service.runtime import request_budget
from service.runtime.request_budget import Deadline, ModelSlots, RequestBudget, close_budget, open_budget
from service.runtime.resources import Resources
from tests.fakes import FakeModelManager, LeadSummarizer, TaggingTranslator
from tests.helpers import make_settings

ARTICLE = "Officials met in Tokyo on Monday. They discussed trade. Talks resume next month."


class FakeClock:
    """Stands in for the ``time`` module of service.runtime.request_budget: time moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(request_budget, "time", fake)
    return fake


class AgingTranslator(TaggingTranslator):
    """Each engine batch takes ``cost`` seconds of the fake clock."""

    def __init__(self, clock: FakeClock, cost: float) -> None:
        super().__init__()
        self.clock, self.cost = clock, cost

    def translate_batch(self, texts, source_lang, target_lang):
        self.clock.now += self.cost
        return super().translate_batch(texts, source_lang, target_lang)


class AgingSummarizer(LeadSummarizer):
    def __init__(self, clock: FakeClock, cost: float) -> None:
        self.clock, self.cost = clock, cost

    def summarize(self, sentences, count):
        self.clock.now += self.cost
        return super().summarize(sentences, count)


def resources_with(tmp_path, translator, summarizer=None) -> Resources:
    settings = make_settings(tmp_path)
    return Resources(settings, models=FakeModelManager(settings, translator=translator, summarizer=summarizer))


@pytest.fixture
def budget():
    """Open a budget for the test's duration (what the HTTP layer does per request)."""
    tokens = []

    def start(**kwargs) -> None:
        tokens.append(open_budget(RequestBudget(**kwargs)))

    yield start
    for token in reversed(tokens):
        close_budget(token)


def test_deadline_between_stages_stops_before_the_translate_stage(tmp_path, clock, budget):
    translator = TaggingTranslator()
    resources = resources_with(tmp_path, translator, AgingSummarizer(clock, cost=5))
    budget(deadline=Deadline.after(3))
    with pytest.raises(DeadlineExceededError) as caught:
        build_brief(ARTICLE, BriefRequest(target_langs=("ja",)), resources)
    assert translator.calls == []  # the remaining work was not done
    assert "before translate" in caught.value.detail
    assert caught.value.extra["retry_after"] >= 1


def test_deadline_between_engine_batches_stops_the_remaining_batches(tmp_path, clock, budget):
    translator = AgingTranslator(clock, cost=2)
    resources = resources_with(tmp_path, translator)
    budget(deadline=Deadline.after(3), batch_size=4)
    with pytest.raises(DeadlineExceededError) as caught:
        translate_segments([f"Sentence {n}." for n in range(40)], BriefRequest(target_langs=("ja",)), resources)
    assert [n for n, _, _ in translator.calls] == [4, 4]  # 2 of 10 batches, then the deadline
    assert "engine batch" in caught.value.detail


def test_within_the_deadline_the_batches_add_up_to_the_same_brief(tmp_path, clock, budget):
    segments = [f"Sentence {n}." for n in range(10)]
    request = BriefRequest(target_langs=("ja",))
    plain = translate_segments(segments, request, resources_with(tmp_path, TaggingTranslator()))
    budget(deadline=Deadline.after(60), batch_size=3)
    translator = AgingTranslator(clock, cost=1)
    bounded = translate_segments(segments, request, resources_with(tmp_path, translator))
    assert [s.translations for s in bounded.segments] == [s.translations for s in plain.segments]
    assert [n for n, _, _ in translator.calls] == [3, 3, 3, 1]


def test_without_a_budget_nothing_is_bounded(tmp_path, clock):
    translator = AgingTranslator(clock, cost=1000)
    request = BriefRequest(target_langs=("ja",))
    brief = translate_segments(["One.", "Two."], request, resources_with(tmp_path, translator))
    assert len(brief.segments) == 2
    assert [n for n, _, _ in translator.calls] == [2]


def test_a_free_slot_is_taken_at_once_and_given_back():
    slots = ModelSlots(2, max_wait_s=1)
    with slots.hold():
        assert slots.busy == 1
        assert slots.expected_wait() == 0
    assert slots.busy == 0
    assert slots.mean_hold_s >= 0


def test_slots_full_and_expected_wait_too_long_is_shed_at_once():
    slots = ModelSlots(1, max_wait_s=5)
    slots.mean_hold_s = 30.0  # each request has been holding a slot for half a minute
    with slots.hold(), pytest.raises(OverloadedError) as caught, slots.hold():
        pass
    assert caught.value.status == 503
    assert caught.value.extra["retry_after"] >= 5
    assert slots.waiting == 0
    assert slots.busy == 0


def test_a_waiting_request_gets_the_slot_when_it_is_released():
    slots = ModelSlots(1, max_wait_s=30)
    release, inside, done = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with slots.hold():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(10)
    def second() -> None:
        with slots.hold():
            done.set()

    waiter = threading.Thread(target=second)
    waiter.start()
    release.set()
    assert done.wait(10)
    thread.join(10)
    waiter.join(10)


def test_a_request_never_waits_past_its_deadline(clock):
    slots = ModelSlots(1, max_wait_s=30)
    with slots.hold(), pytest.raises(OverloadedError), slots.hold(Deadline(at=clock.now, seconds=1)):  # no time left
        pass


def test_slots_must_be_positive():
    with pytest.raises(ValueError, match="slots must be at least 1"):
        ModelSlots(0, max_wait_s=1)


def test_a_request_takes_one_slot_for_all_its_model_stages_and_gives_it_back(tmp_path):
    slots = ModelSlots(1, max_wait_s=0)  # a second acquisition would be shed at once
    token = open_budget(RequestBudget(slots=slots))
    try:
        brief = build_brief(ARTICLE, BriefRequest(target_langs=("ja",)), resources_with(tmp_path, TaggingTranslator()))
        assert brief.segments
        assert slots.busy == 1
    finally:
        close_budget(token)
    assert slots.busy == 0
