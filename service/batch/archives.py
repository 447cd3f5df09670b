"""Zip and tar inputs: scanned against the limits first, then read member by member in memory."""
from __future__ import annotations

import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from service.batch.errors import ArticleReadError
from service.batch.inputs import RawArticle, ReadOptions, expand
from service.batch.safety import ArchiveBudget, check_tar_member, check_zip_member
from service.errors import BadInputError

_TAR_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error)


class ZipSource:
    """A .zip archive: names, links and sizes checked on the central directory before reading."""

    def __init__(self, path: Path, options: ReadOptions) -> None:
        self.path = path
        self.options = options

    def _open(self) -> zipfile.ZipFile:
        try:
            return zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise BadInputError(f"{self.path.name} is not a readable zip archive: {exc}") from None

    def scan(self) -> int:
        budget = ArchiveBudget(self.options.limits)
        count = 0
        with self._open() as archive:
            for info in archive.infolist():
                if check_zip_member(info) is None:
                    continue
                # Declared sizes bound what is read: zipfile stops at file_size and checks the CRC.
                budget.add(info.filename, info.file_size, info.compress_size)
                count += 1
        return count

    def articles(self) -> Iterator[RawArticle]:
        with self._open() as archive:
            for info in archive.infolist():
                rel = check_zip_member(info)
                if rel is None:
                    continue
                source = f"{self.path}!{info.filename}"
                if info.flag_bits & 0x1:
                    yield RawArticle(rel, source, error=ArticleReadError(f"{info.filename} is encrypted"))
                    continue
                try:
                    with archive.open(info) as stream:
                        yield from expand(rel, source, stream, self.options)
                except (zipfile.BadZipFile, OSError, NotImplementedError, zlib.error) as exc:
                    yield RawArticle(rel, source, error=ArticleReadError(
                        f"{info.filename} cannot be read: {type(exc).__name__}"))


class TarSource:
    """A .tar (optionally gzip/bz2/xz compressed): every header checked by the data filter first."""

    def __init__(self, path: Path, options: ReadOptions) -> None:
        self.path = path
        self.options = options
        self.dest = (options.output_dir or Path("batch-output")).resolve()

    def _open(self) -> tarfile.TarFile:
        try:  # a stream: members are read in order, the archive is never seeked or extracted
            return tarfile.open(self.path, "r|*")
        except _TAR_ERRORS as exc:
            raise BadInputError(f"{self.path.name} is not a readable tar archive: {exc}") from None

    def scan(self) -> int:
        compressed = not self.path.name.lower().endswith(".tar")
        budget = ArchiveBudget(self.options.limits, self.path.stat().st_size if compressed else None)
        count = 0
        with self._open() as archive:
            try:
                for member in archive:
                    if check_tar_member(member, self.dest) is None:
                        continue
                    budget.add(member.name, member.size)
                    count += 1
            except _TAR_ERRORS as exc:
                raise BadInputError(f"{self.path.name} is damaged: {exc}") from None
        return count

    def articles(self) -> Iterator[RawArticle]:
        with self._open() as archive:
            try:
                for member in archive:
                    rel = check_tar_member(member, self.dest)
                    if rel is None:
                        continue
                    stream = archive.extractfile(member)
                    if stream is None:
                        continue
                    yield from expand(rel, f"{self.path}!{member.name}", stream, self.options)
            except _TAR_ERRORS as exc:
                raise BadInputError(f"{self.path.name} is damaged: {exc}") from None
