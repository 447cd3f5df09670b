"""The CTranslate2 int8 backend of the sentence embedder (``models.embeddings``).

The transformers folder is converted once (``TransformersConverter`` through
``models.convert``: a temporary folder renamed into place) into a cache folder whose
name fingerprints the source files, the ctranslate2 version and the quantization, so
an updated model or library converts again and a half-written conversion is never
used. Nothing happens at import; the conversion runs on the first ``load``.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from models.store import TRANSFORMERS_WEIGHTS
from service.errors import DependencyMissingError, ModelCorruptError

QUANTIZATION = "int8"
MAX_CONCURRENT = 4  # encoder replicas: batches of different requests run at once
# The files whose change makes a new conversion necessary.
_FINGERPRINTED = ("config.json", *TRANSFORMERS_WEIGHTS.names)
_private_dirs: list[Path] = []
_private_lock = threading.Lock()


class ConversionFailedError(Exception):
    """The model cannot be converted to ctranslate2 here (the caller falls back to torch)."""


def converted_dir(source: Path, cache_dir: Path, quantization: str = QUANTIZATION) -> Path:
    """The ctranslate2 form of ``source`` in ``cache_dir``, converted now if it is not there yet.

    ConversionFailedError when ctranslate2 is missing or cannot convert the architecture.
    """
    source = Path(source)
    target = Path(cache_dir) / f"{source.name}-{_fingerprint(source, quantization)}-ct2-{quantization}"
    if _complete(target):
        return target
    try:
        from models.convert import convert_to_ctranslate2

        convert_to_ctranslate2(source, target, quantization, force=target.exists())
    except (DependencyMissingError, ModelCorruptError) as exc:
        raise ConversionFailedError(str(exc)) from exc
    except OSError:
        # Another process renamed its conversion into place first: use that one.
        if not _complete(target):
            raise
    return target


def _complete(folder: Path) -> bool:
    return all((folder / name).is_file() and (folder / name).stat().st_size > 0
               for name in ("model.bin", "config.json"))


def _fingerprint(source: Path, quantization: str) -> str:
    import ctranslate2

    files = [[name, (source / name).stat().st_size, (source / name).stat().st_mtime_ns]
             for name in _FINGERPRINTED if (source / name).is_file()]
    data = json.dumps([str(source.resolve()), files, ctranslate2.__version__, quantization])
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def _private_cache_dir() -> Path:
    """A temporary folder for this process, removed at exit (no cache folder configured)."""
    with _private_lock:
        if not _private_dirs:
            folder = Path(tempfile.mkdtemp(prefix="briefs-embeddings-"))
            _private_dirs.append(folder)
            atexit.register(shutil.rmtree, folder, True)
        return _private_dirs[0]


def load_encoder(source: Path, cache_dir: Path | None, threads: int = 0) -> tuple[Any, Path]:
    """A ``ctranslate2.Encoder`` (int8, CPU) over the converted form of ``source``, and that folder."""
    try:
        import ctranslate2
    except ImportError:
        raise ConversionFailedError("the ctranslate2 package is not installed") from None
    from models.threads import available_cores

    converted = converted_dir(source, cache_dir or _private_cache_dir())
    cores = available_cores()
    # As on torch: each batch may use every core, and concurrent requests embed at the same time
    # (one replica each, weights shared) instead of queueing behind one another, so they reach the
    # translator together and share its batches.
    try:
        encoder = ctranslate2.Encoder(str(converted), device="cpu", compute_type=QUANTIZATION,
                                      inter_threads=min(cores, MAX_CONCURRENT), intra_threads=threads or cores)
    except (RuntimeError, ValueError, OSError) as exc:
        raise ConversionFailedError(f"cannot load the converted encoder at {converted}: {exc}") from exc
    return encoder, converted


def encode(encoder: Any, ids: list[list[int]]) -> Any:
    """Token states (batch, longest, dim) of one batch of token ids; ctranslate2 pads it."""
    import numpy as np

    return np.asarray(encoder.forward_batch(ids).last_hidden_state)
