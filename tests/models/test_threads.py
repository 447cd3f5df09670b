"""Threads and batch sizes chosen from the machine, and settings that override them."""
from __future__ import annotations

import pytest

from models.threads import MAX_SUB_BATCH, plan_threads, sub_batch_size
from service.settings import TranslationOptions


@pytest.mark.parametrize(("cores", "workers", "inter", "intra"), [
    (1, 1, 1, 1),
    (2, 1, 2, 1),
    (2, 2, 1, 1),
    (3, 1, 3, 1),
    (4, 1, 2, 2),
    (8, 1, 4, 2),
    (8, 2, 2, 2),
    (16, 4, 2, 2),
    (4, 8, 1, 1),  # more workers than cores: one thread each
])
def test_threads_follow_cores_and_workers(cores, workers, inter, intra):
    plan = plan_threads(TranslationOptions(), workers=workers, cores=cores)
    assert (plan.inter_threads, plan.intra_threads) == (inter, intra)
    assert plan.max_batch_size == MAX_SUB_BATCH


@pytest.mark.parametrize(("cores", "workers"), [(c, w) for c in (1, 2, 3, 4, 6, 8, 12, 16, 64) for w in (1, 2, 3, 4)])
def test_workers_times_threads_never_exceed_the_cores(cores, workers):
    plan = plan_threads(TranslationOptions(), workers=workers, cores=cores)
    assert workers * plan.inter_threads * plan.intra_threads <= max(cores, workers)


@pytest.mark.parametrize(("options", "inter", "intra", "batch"), [
    (TranslationOptions(inter_threads=3), 3, 2, MAX_SUB_BATCH),
    (TranslationOptions(intra_threads=4), 2, 4, MAX_SUB_BATCH),
    (TranslationOptions(threads=2), 4, 2, MAX_SUB_BATCH),  # the older name of intra_threads
    (TranslationOptions(inter_threads=1, intra_threads=1, max_batch_size=8), 1, 1, 8),
])
def test_settings_override_each_choice(options, inter, intra, batch):
    plan = plan_threads(options, workers=1, cores=8)
    assert (plan.inter_threads, plan.intra_threads, plan.max_batch_size) == (inter, intra, batch)


@pytest.mark.parametrize(("count", "inter", "limit", "size"), [
    (16, 2, 32, 8),    # two sub-batches keep both threads busy
    (64, 2, 32, 32),
    (100, 2, 32, 32),  # never above the limit
    (1, 4, 32, 1),
    (0, 2, 32, 32),
])
def test_sub_batches_fill_every_thread(count, inter, limit, size):
    assert sub_batch_size(count, inter, limit) == size
