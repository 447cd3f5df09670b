"""Output files: one brief per article, named after its id, each written temp-file-and-rename."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from service.batch.safety import inside
from service.brief import Brief
from service.errors import BadInputError
from service.exports import EXPORT_FORMATS, export_brief
from service.fileio import write_atomic

# Batch calls Markdown "md" (its file suffix); every other name is one of service.exports.FORMATS.
BATCH_NAMES = {"md": "markdown"}
TMP_PREFIX = ".batch-tmp-"
# Job files at the top of DIR; an article whose output would take one of these names gets a "_".
RESERVED_NAMES = frozenset({"manifest.jsonl", "summary.json", "learned.tbx", "learned.jsonl"})
_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"\\|?*]')
_MAX_PART_BYTES = 180


def output_formats() -> tuple[str, ...]:
    """Every value ``--format`` accepts."""
    return ("json", "md", *EXPORT_FORMATS)


def check_formats(value: str) -> tuple[str, ...]:
    """``--format json,md,...`` as a tuple; BadInputError naming an unknown format."""
    names = tuple(dict.fromkeys("md" if f.strip() == "markdown" else f.strip() for f in value.split(",")
                                if f.strip()))
    known = output_formats()
    unknown = [f for f in names if f not in known]
    if unknown or not names:
        raise BadInputError(f"unknown output format {', '.join(unknown) or '(none)'}; "
                            f"expected some of {', '.join(known)}")
    return names


def output_stem(article_id: str) -> str:
    """A safe relative path for an article's outputs: no ``..``, odd characters or overlong names."""
    parts = []
    for part in article_id.replace("\\", "/").split("/"):
        clean = _UNSAFE_CHARS.sub("_", part).strip()
        if clean.startswith(".") or not clean:  # no hidden outputs, no "..", nothing taken for a temp file
            clean = "_" + clean
        if len(clean.encode()) > _MAX_PART_BYTES:
            digest = hashlib.sha256(clean.encode()).hexdigest()[:12]
            clean = clean.encode()[:_MAX_PART_BYTES - 13].decode(errors="ignore") + "-" + digest
        parts.append(clean)
    stem = "/".join(parts)
    if "/" not in stem and any(name.startswith(stem + ".") for name in RESERVED_NAMES):
        stem = "_" + stem
    return stem


def render_outputs(brief: Brief, formats: Sequence[str]) -> list[tuple[str, bytes]]:
    """The brief's files as ``(suffix, bytes)``, in the order of ``formats``."""
    return [file for fmt in formats for file in export_brief(brief, BATCH_NAMES.get(fmt, fmt))]


def write_outputs(root: Path, stem: str, files: Sequence[tuple[str, bytes]]) -> list[str]:
    """Write each file atomically under ``root``; return their paths relative to ``root``."""
    written = []
    for suffix, data in files:
        relative = stem + suffix
        atomic_write(inside(root, relative), data)
        written.append(relative)
    return written


def remove_stale_temp_files(root: Path) -> int:
    """Delete temp files a killed run left behind; return how many."""
    count = 0
    for path in root.rglob(f"{TMP_PREFIX}*"):
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            count += 1
    return count


def atomic_write(path: Path, data: bytes) -> None:
    """Write one output of the job; its temp file carries TMP_PREFIX so a rerun sweeps up leftovers."""
    write_atomic(path, data, tmp_prefix=TMP_PREFIX, make_parents=True)
