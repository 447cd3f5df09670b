"""The micro-batcher: concurrent callers share one engine call and get their own results."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from service.batching import MicroBatchTranslator
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


def test_concurrent_callers_share_one_engine_call_and_get_their_own_results():
    inner = TaggingTranslator()
    sizes = []
    jobs = [[f"caller {n} sentence {k}" for k in range(n % 3 + 1)] for n in range(8)]
    # Sealed by size once everyone has joined; the wait is only an upper bound.
    batcher = MicroBatchTranslator(inner, max_batch_size=sum(map(len, jobs)), max_wait_ms=5000,
                                   on_batch=sizes.append)
    results = run_concurrently(batcher, jobs)
    for job, result in zip(jobs, results, strict=True):
        assert result == [f"<ja> {t}" for t in job]
    total = sum(len(j) for j in jobs)
    assert inner.calls == [(total, "en", "ja")]
    assert sizes == [total]


def test_batch_is_sealed_at_max_size_without_waiting_the_full_time():
    inner = TaggingTranslator()
    batcher = MicroBatchTranslator(inner, max_batch_size=4, max_wait_ms=10_000)
    results = run_concurrently(batcher, [["a", "b"], ["c", "d"]])
    assert sorted(results) == [["<ja> a", "<ja> b"], ["<ja> c", "<ja> d"]]
    assert inner.calls == [(4, "en", "ja")]


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


@pytest.mark.parametrize("kwargs", [{"max_batch_size": 0, "max_wait_ms": 1},
                                    {"max_batch_size": 4, "max_wait_ms": -1}])
def test_bad_settings_are_rejected(kwargs):
    with pytest.raises(ValueError):
        MicroBatchTranslator(TaggingTranslator(), **kwargs)
