"""The micro-batcher: concurrent callers share one engine call and get their own results."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from service.runtime.batching import MicroBatchTranslator
from tests.fakes import TaggingTranslator

WAIT_S = 30  # generous bound on any single wait; never reached when things work


class PoisonTranslator(TaggingTranslator):
    """Raises for any call that contains the ``bad`` text, as an engine may for one odd input."""

    def __init__(self, bad: str | None = None) -> None:
        super().__init__()
        self.bad = bad

    def translate_batch(self, texts, source_lang, target_lang):
        if self.bad is not None and self.bad in texts:
            with self._lock:
                self.calls.append((len(texts), source_lang, target_lang))
            raise ValueError(f"cannot translate {self.bad!r}")
        return super().translate_batch(texts, source_lang, target_lang)


def run_concurrently(batcher, jobs, target="ja"):
    """Start every job at once (barrier) and return each job's result or exception."""
    barrier = threading.Barrier(len(jobs))

    def call(texts):
        barrier.wait(WAIT_S)
        try:
            return batcher.translate_batch(texts, "en", target)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            return exc

    with ThreadPoolExecutor(len(jobs)) as pool:
        return [f.result(WAIT_S) for f in [pool.submit(call, j) for j in jobs]]


class GatedTranslator(TaggingTranslator):
    """Calls whose texts include ``HOLD`` block until ``release``; counts calls inside at once."""

    HOLD = "hold the engine"

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.inside = 0
        self.most_inside = 0

    def translate_batch(self, texts, source_lang, target_lang):
        with self._lock:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
        try:
            if self.HOLD in texts:
                self.entered.set()
                assert self.gate.wait(WAIT_S)
            return super().translate_batch(texts, source_lang, target_lang)
        finally:
            with self._lock:
                self.inside -= 1


def gathered(batcher, count, pair=("en", "ja")):
    """Wait (bounded) until the open batch of ``pair`` holds ``count`` texts."""
    for _ in range(3000):
        with batcher._turns:
            batch = batcher._open.get(pair)
            if batch is not None and len(batch.texts) == count:
                return
        threading.Event().wait(0.01)
    raise AssertionError(f"the open batch never reached {count} texts")


def test_callers_arriving_while_the_engine_is_busy_share_one_engine_call():
    inner = GatedTranslator()
    sizes = []
    jobs = [[f"caller {n} sentence {k}" for k in range(n % 3 + 1)] for n in range(8)]
    total = sum(map(len, jobs))
    batcher = MicroBatchTranslator(inner, max_batch_size=100, max_wait_ms=0, on_batch=sizes.append)
    with ThreadPoolExecutor(len(jobs) + 1) as pool:
        first = pool.submit(batcher.translate_batch, [GatedTranslator.HOLD], "en", "ja")
        assert inner.entered.wait(WAIT_S)
        futures = [pool.submit(batcher.translate_batch, job, "en", "ja") for job in jobs]
        gathered(batcher, total)  # everyone waits in the open batch while the engine is busy
        inner.gate.set()
        results = [f.result(WAIT_S) for f in futures]
        assert first.result(WAIT_S) == [f"<ja> {GatedTranslator.HOLD}"]
    for job, result in zip(jobs, results, strict=True):
        assert result == [f"<ja> {t}" for t in job]
    assert inner.calls == [(1, "en", "ja"), (total, "en", "ja")]
    assert sizes == [1, total]


def test_an_idle_engine_runs_a_lone_call_at_once():
    # A wait for company this long would outlast the bounded result() below.
    batcher = MicroBatchTranslator(TaggingTranslator(), max_batch_size=100, max_wait_ms=600_000)
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(batcher.translate_batch, ["a"], "en", "ja").result(WAIT_S) == ["<ja> a"]


def test_batch_is_sealed_at_max_size():
    inner = GatedTranslator()
    batcher = MicroBatchTranslator(inner, max_batch_size=4, max_wait_ms=0)
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(batcher.translate_batch, [GatedTranslator.HOLD], "en", "ja")
        assert inner.entered.wait(WAIT_S)
        futures = [pool.submit(batcher.translate_batch, job, "en", "ja") for job in (["a", "b"], ["c", "d"])]
        for _ in range(3000):  # bounded: until the full batch is sealed (no longer open)
            with batcher._turns:
                if not batcher._open:
                    break
            threading.Event().wait(0.01)
        later = pool.submit(batcher.translate_batch, ["e"], "en", "ja")
        inner.gate.set()
        assert [f.result(WAIT_S) for f in futures] == [["<ja> a", "<ja> b"], ["<ja> c", "<ja> d"]]
        assert later.result(WAIT_S) == ["<ja> e"]
        assert first.result(WAIT_S)
    assert sorted(inner.calls) == [(1, "en", "ja"), (1, "en", "ja"), (4, "en", "ja")]


@pytest.mark.parametrize("max_running", [1, 2, 3])
def test_never_more_engine_calls_at_once_than_max_running(max_running):
    inner = GatedTranslator()
    batcher = MicroBatchTranslator(inner, max_batch_size=2, max_wait_ms=1, max_running=max_running)
    jobs = [[f"s{n}"] if n % 2 else [f"s{n}", f"t{n}", f"u{n}"] for n in range(24)]
    inner.gate.set()
    results = run_concurrently(batcher, jobs)
    assert all(r == [f"<ja> {t}" for t in job] for job, r in zip(jobs, results, strict=True))
    assert 1 <= inner.most_inside <= max_running


def test_two_slots_run_two_batches_side_by_side():
    both_inside = threading.Barrier(2)

    class PairedTranslator(TaggingTranslator):
        def translate_batch(self, texts, source_lang, target_lang):
            both_inside.wait(WAIT_S)  # breaks (fails the call) unless two calls are inside at once
            return super().translate_batch(texts, source_lang, target_lang)

    batcher = MicroBatchTranslator(PairedTranslator(), max_batch_size=1, max_wait_ms=0, max_running=2)
    assert run_concurrently(batcher, [["a"], ["b"]]) == [["<ja> a"], ["<ja> b"]]


def test_one_bad_caller_does_not_fail_the_others():
    inner = PoisonTranslator(bad="poison")
    jobs = [["good one"], ["x", "poison"], ["good two", "good three"]]
    batcher = MicroBatchTranslator(inner, max_batch_size=5, max_wait_ms=5000)
    results = run_concurrently(batcher, jobs)
    assert results[0] == ["<ja> good one"]
    assert isinstance(results[1], ValueError)
    assert results[2] == ["<ja> good two", "<ja> good three"]


def test_pairs_are_batched_separately():
    inner = TaggingTranslator()
    batcher = MicroBatchTranslator(inner, max_batch_size=100, max_wait_ms=0)
    assert batcher.translate_batch(["a"], "en", "ja") == ["<ja> a"]
    assert batcher.translate_batch(["a"], "en", "ko") == ["<ko> a"]
    assert inner.calls == [(1, "en", "ja"), (1, "en", "ko")]


def test_large_calls_go_straight_to_the_engine():
    inner = TaggingTranslator()
    sizes = []
    batcher = MicroBatchTranslator(inner, max_batch_size=2, max_wait_ms=10_000, on_batch=sizes.append)
    assert batcher.translate_batch(["a", "b", "c"], "en", "ja") == ["<ja> a", "<ja> b", "<ja> c"]
    assert sizes == [3]


def test_empty_call_does_not_touch_the_engine():
    inner = TaggingTranslator()
    assert MicroBatchTranslator(inner, max_batch_size=4, max_wait_ms=1).translate_batch([], "en", "ja") == []
    assert inner.calls == []


def test_wrong_output_count_is_an_error_for_the_caller():
    class Short:
        def translate_batch(self, texts, source_lang, target_lang):
            return []

    with pytest.raises(RuntimeError, match="returned 0 translations for 1"):
        MicroBatchTranslator(Short(), max_batch_size=4, max_wait_ms=0).translate_batch(["a"], "en", "ja")


def test_closed_batcher_refuses_new_calls():
    batcher = MicroBatchTranslator(TaggingTranslator(), max_batch_size=4, max_wait_ms=0)
    batcher.close()
    with pytest.raises(RuntimeError, match="shut down"):
        batcher.translate_batch(["a"], "en", "ja")


def test_failing_metrics_callback_does_not_fail_translation():
    def broken(size):
        raise RuntimeError("metrics down")

    batcher = MicroBatchTranslator(TaggingTranslator(), max_batch_size=4, max_wait_ms=0, on_batch=broken)
    assert batcher.translate_batch(["a"], "en", "ja") == ["<ja> a"]


@pytest.mark.parametrize(("kwargs", "message"),
                         [({"max_batch_size": 0, "max_wait_ms": 1}, "max_batch_size must be at least 1"),
                          ({"max_batch_size": 4, "max_wait_ms": -1}, "max_wait_ms must not be negative"),
                          ({"max_batch_size": 4, "max_wait_ms": 1, "max_running": 0},
                           "max_running must be at least 1")])
def test_bad_settings_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MicroBatchTranslator(TaggingTranslator(), **kwargs)
