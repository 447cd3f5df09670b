"""Archive safety: member names that stay inside the output folder, no links, bounded sizes.

Members are read in memory, never extracted, but every member name still becomes an output
path, so the rules of an extraction apply: ``tarfile``'s ``data`` filter (no absolute paths, no
``..``, no links leaving the tree, no devices), plus no links at all (a link is not an article),
zip-slip names refused, and limits on member count, uncompressed size and compression ratio
(zip bombs). Each refusal names the member.
"""
from __future__ import annotations

import re
import stat
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from service.batch.errors import UnsafeArchiveError
from service.settings import BatchOptions

_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_member_path(name: str) -> str:
    """The member's relative POSIX path; UnsafeArchiveError for absolute, ``..`` or odd names."""
    if _CONTROL.search(name):
        raise UnsafeArchiveError("the name contains control characters", member=name)
    unified = name.replace("\\", "/")  # zip files written on Windows use backslashes
    if unified.startswith("/") or _DRIVE.match(unified):
        raise UnsafeArchiveError("absolute paths are refused", member=name)
    parts = [p for p in unified.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UnsafeArchiveError("'..' would leave the output folder (path traversal)", member=name)
    if not parts:
        raise UnsafeArchiveError("the member has no file name", member=name)
    return str(PurePosixPath(*parts))


class ArchiveBudget:
    """Counts members and uncompressed bytes against the limits while an archive is scanned."""

    def __init__(self, limits: BatchOptions, compressed_size: int | None = None) -> None:
        self.limits = limits
        self.compressed_size = compressed_size
        self.members = 0
        self.total = 0

    def add(self, name: str, size: int, compressed: int | None = None) -> None:
        """Account for one member; refuse it when a limit is crossed."""
        self.members += 1
        if self.members > self.limits.max_members:
            raise UnsafeArchiveError(
                f"the archive has more than {self.limits.max_members} members (batch.max_members)", member=name)
        self.total += size
        if self.total > self.limits.max_total_bytes:
            raise UnsafeArchiveError(
                f"the archive unpacks to more than {self.limits.max_total_bytes} bytes (batch.max_total_bytes)",
                member=name)
        if compressed is not None:
            self._check_ratio(name, size, compressed, "the member")
        if self.compressed_size:
            self._check_ratio(name, self.total, self.compressed_size, "the archive up to this member")

    def _check_ratio(self, name: str, size: int, compressed: int, what: str) -> None:
        if size == 0:
            return
        ratio = size / max(compressed, 1)
        if ratio > self.limits.max_ratio:
            raise UnsafeArchiveError(
                f"{what} expands {ratio:.0f}-fold, over the limit of {self.limits.max_ratio:g} "
                "(batch.max_ratio; a zip bomb?)", member=name)


def check_zip_member(info: zipfile.ZipInfo) -> str | None:
    """The safe path of a file member, None for a directory; refuses links and unsafe names."""
    path = safe_member_path(info.filename)
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UnsafeArchiveError("symbolic links are refused", member=info.filename)
    if info.is_dir():
        return None
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # many writers set permission bits only
        raise UnsafeArchiveError("only regular files are read", member=info.filename)
    return path


def check_tar_member(member: tarfile.TarInfo, dest: Path) -> str | None:
    """The safe path of a regular file member, None for a directory; refuses everything else.

    Applies the standard library's ``data`` extraction filter against ``dest`` (absolute names,
    ``..``, links leaving ``dest``, devices), then refuses links outright.
    """
    if member.issym() or member.islnk():
        kind = "symbolic" if member.issym() else "hard"
        raise UnsafeArchiveError(f"{kind} links are refused (-> {member.linkname!r})", member=member.name)
    try:
        tarfile.data_filter(member, str(dest))
    except tarfile.FilterError as exc:
        raise UnsafeArchiveError(f"refused by the tar data filter: {exc}", member=member.name) from None
    path = safe_member_path(member.name)
    if member.isdir():
        return None
    if not member.isfile():
        raise UnsafeArchiveError("only regular files are read (devices, FIFOs are refused)", member=member.name)
    return path


def inside(root: Path, relative: str) -> Path:
    """``root / relative``, refusing any path that would resolve outside ``root``."""
    base = root.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base):
        raise UnsafeArchiveError("the output path would leave the output folder", member=relative)
    return target
