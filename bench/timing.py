"""Interleaved passes and medians: every path runs once per pass, in turn, after a warm-up."""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping, Sequence

Path = Callable[[Sequence[str]], int]


def interleaved(paths: Mapping[str, Path], texts: Sequence[str], passes: int,
                say: Callable[[str], None] = lambda _m: None) -> dict[str, float]:
    """Texts per second of each path on ``texts`` (median of ``passes``), after a two-text warm-up."""
    for warm_up in paths.values():
        warm_up(texts[:2])
    rates: dict[str, list[float]] = {name: [] for name in paths}
    for n in range(passes):
        for name, run in paths.items():
            started = time.perf_counter()
            units = run(texts)
            rates[name].append(units / max(time.perf_counter() - started, 1e-9))
            say(f"pass {n + 1}: {name} {rates[name][-1]:.1f}/s")
    return {name: statistics.median(values) for name, values in rates.items()}
