"""Threads and batch sizes chosen from the machine.

Each gunicorn worker loads its own engines, so a worker gets ``cores // workers``
cores and its ``inter_threads x intra_threads`` never exceeds them. Throughput on
CPU comes from decoding several batches at once (ctranslate2 ``inter_threads``)
more than from splitting one batch's matrix products (``intra_threads``), so small
shares go all to ``inter_threads``; larger ones keep two threads per batch so a
single request still finishes quickly. Each engine call is split into
``inter_threads`` sub-batches of at most ``MAX_SUB_BATCH`` sentences, so every
thread has work. Any value set in ``[translation]`` wins.
"""
from __future__ import annotations

import dataclasses
import math
import os

from service.settings import TranslationOptions

MAX_SUB_BATCH = 32
# Up to this many cores per worker every core decodes its own batch (intra_threads = 1).
ALL_INTER_UP_TO = 3


def available_cores() -> int:
    """Cores this process may run on (the affinity mask when the platform has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def plan_threads(options: TranslationOptions, *, workers: int = 1, cores: int | None = None) -> TranslationOptions:
    """``options`` with ``inter_threads``, ``intra_threads`` and ``max_batch_size`` filled in
    (a value above 0 in the settings is kept as it is)."""
    share = max(1, (cores or available_cores()) // max(1, workers))
    intra_set = options.intra_threads or options.threads
    if options.inter_threads > 0:
        inter = options.inter_threads
    elif intra_set > 0:
        inter = max(1, share // intra_set)
    else:
        inter = share if share <= ALL_INTER_UP_TO else share // 2
    intra = intra_set if intra_set > 0 else max(1, share // inter)
    max_batch = options.max_batch_size if options.max_batch_size > 0 else MAX_SUB_BATCH
    return dataclasses.replace(options, inter_threads=inter, intra_threads=intra, max_batch_size=max_batch)


def sub_batch_size(count: int, inter_threads: int, max_batch_size: int) -> int:
    """Sentences per sub-batch for an engine call of ``count``: enough sub-batches to keep
    ``inter_threads`` busy, none larger than ``max_batch_size``."""
    if count <= 0:
        return max(1, max_batch_size)
    return max(1, min(max_batch_size, math.ceil(count / max(1, inter_threads))))
