"""The multiprocess metrics directory of a gunicorn host, prepared by its master.

This module must not import prometheus_client at the top: the library picks single- or
multi-process mode when it is first imported, so the master imports this, sets
PROMETHEUS_MULTIPROC_DIR (config/gunicorn.conf.py), and only then may anything import it.
"""
from __future__ import annotations

import tempfile
from pathlib import Path


def prepare_multiprocess_dir(configured: str) -> tuple[Path, bool]:
    """The directory for multiprocess metrics, emptied (stale files would add old counts).

    ``configured`` "" makes a fresh temporary directory; returns it and whether it was made here.
    """
    if not configured:
        return Path(tempfile.mkdtemp(prefix="briefs-metrics-")), True
    path = Path(configured)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):  # only prometheus_client's files: the directory may be shared
        stale.unlink()
    return path, False


def worker_exited(pid: int, directory: Path) -> None:
    """Bookkeeping for a worker that exited: its live gauges go; its counters stay in the sums."""
    from prometheus_client.multiprocess import mark_process_dead

    mark_process_dead(pid, str(directory))
