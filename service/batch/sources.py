"""What INPUT is: a folder, an archive, a WARC file, or one article or JSON(L) file."""
from __future__ import annotations

from pathlib import Path

from service.batch.archives import TarSource, ZipSource
from service.batch.inputs import ARTICLE_SUFFIXES, FileSource, FolderSource, InputSource, ReadOptions
from service.batch.warc import WarcSource
from service.errors import BadInputError


def open_input(path: Path, options: ReadOptions) -> InputSource:
    """The source for INPUT, chosen by what it is: a folder, or a file by its extension."""
    if path.is_dir():
        return FolderSource(path, options)
    if not path.is_file():
        raise BadInputError(f"no such file or folder: {path}")
    name = path.name.lower()
    if name.endswith(".zip"):
        return ZipSource(path, options)
    if name.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")):
        return TarSource(path, options)
    if name.endswith((".warc", ".warc.gz")):
        return WarcSource(path, options)
    if name.endswith(ARTICLE_SUFFIXES):
        return FileSource(path, options)
    raise BadInputError(f"cannot tell what {path.name} is; expected a folder, .zip, .tar, .tar.gz, "
                        f".warc, .warc.gz, {', '.join(ARTICLE_SUFFIXES)}")
