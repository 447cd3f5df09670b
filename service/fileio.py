"""Writing files so a crash never leaves half of one: temp file beside the target, fsync, rename."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, *, tmp_prefix: str | None = None, make_parents: bool = False) -> None:
    """Write ``data`` to ``path`` so a reader (or a crash) sees the old file or the whole new one.

    The temporary file sits in the same folder (``tmp_prefix`` names it, so a caller can sweep up
    leftovers of a killed run); it is fsynced, renamed into place, and the folder fsynced.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if make_parents:
        folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=tmp_prefix or f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(folder)
