"""Unsafe archives are refused before anything is written, naming the member; limits from settings."""
from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from service.batch.errors import UnsafeArchiveError
from service.batch.safety import inside, safe_member_path

GOOD = b"Officials met in the capital on Monday to talk about water prices."


@pytest.mark.parametrize(("name", "expected"), [
    ("news/a.txt", "news/a.txt"),
    ("./news//a.txt", "news/a.txt"),
    ("news\\a.txt", "news/a.txt"),
])
def test_safe_member_names(name, expected):
    assert safe_member_path(name) == expected


@pytest.mark.parametrize("name", ["../evil.txt", "news/../../evil.txt", "/etc/passwd", "C:/evil.txt",
                                  "..\\evil.txt", "a\x00b.txt", "./", ""])
def test_unsafe_member_names_are_refused_naming_the_member(name):
    with pytest.raises(UnsafeArchiveError) as info:
        safe_member_path(name)
    assert repr(name) in info.value.detail


def test_inside_refuses_escaping_output_paths(tmp_path):
    assert inside(tmp_path, "a/b.json") == (tmp_path / "a/b.json").resolve()
    with pytest.raises(UnsafeArchiveError):
        inside(tmp_path, "../b.json")


def _zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return path


Member = tuple[tarfile.TarInfo, bytes | None]


def _tar(path: Path, members: list[Member], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _file(name: str, data: bytes = GOOD) -> Member:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _link(name: str, target: str, kind: bytes) -> Member:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info, None


def _refused(run_job, tmp_path: Path, source: Path, member: str, **batch) -> UnsafeArchiveError:
    # The job writes two levels below tmp_path, so a "../../x" escape would still land inside it; watching
    # only this test's own folder keeps other tests' files (SQLite side-files, say) out of the comparison.
    before = set(tmp_path.rglob("*"))
    out = tmp_path / "job" / "out"
    with pytest.raises(UnsafeArchiveError) as info:
        run_job(source, out, batch=batch or None)
    assert member in info.value.detail
    assert not out.exists(), "nothing is written, not even the output folder"
    assert set(tmp_path.rglob("*")) == before
    return info.value


def test_zip_slip_is_refused(run_job, tmp_path):
    source = _zip(tmp_path / "slip.zip", {"good.txt": GOOD, "../../evil.txt": GOOD})
    _refused(run_job, tmp_path, source, "../../evil.txt")


def test_zip_symlink_member_is_refused(run_job, tmp_path):
    source = tmp_path / "link.zip"
    with zipfile.ZipFile(source, "w") as archive:
        info = zipfile.ZipInfo("news/link.txt")
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, "/etc/passwd")
    _refused(run_job, tmp_path, source, "news/link.txt")


@pytest.mark.parametrize(("member", "make"), [
    ("../evil.txt", lambda: _file("../evil.txt")),
    ("/tmp/evil.txt", lambda: _file("/tmp/evil.txt")),
    ("news/link.txt", lambda: _link("news/link.txt", "../../etc/passwd", tarfile.SYMTYPE)),
    ("news/inner-link.txt", lambda: _link("news/inner-link.txt", "good.txt", tarfile.SYMTYPE)),
    ("news/hard.txt", lambda: _link("news/hard.txt", "news/good.txt", tarfile.LNKTYPE)),
    ("news/device", lambda: _link("news/device", "", tarfile.CHRTYPE)),
], ids=["dotdot", "absolute", "symlink-out", "symlink-in", "hardlink", "device"])
def test_tar_members_leaving_dir_or_links_are_refused(run_job, tmp_path, member, make):
    source = _tar(tmp_path / "bad.tar.gz", [_file("news/good.txt"), make()])
    _refused(run_job, tmp_path, source, member)


def test_tar_with_dotdot_member_and_symlink_is_refused(run_job, tmp_path):
    source = _tar(tmp_path / "both.tar", [_file("news/good.txt"), _file("../escape.txt"),
                                          _link("news/link", "/etc", tarfile.SYMTYPE)], mode="w")
    _refused(run_job, tmp_path, source, "../escape.txt")
    assert not (tmp_path / "job" / "escape.txt").exists()


def test_zip_bomb_ratio_is_refused(run_job, tmp_path):
    source = _zip(tmp_path / "bomb.zip", {"news/good.txt": GOOD, "news/zeros.txt": bytes(20_000_000)})
    error = _refused(run_job, tmp_path, source, "news/zeros.txt")
    assert "batch.max_ratio" in error.detail


def test_zip_total_size_limit(run_job, tmp_path):
    source = _zip(tmp_path / "big.zip", {f"news/{n}.txt": GOOD for n in range(5)}, zipfile.ZIP_STORED)
    error = _refused(run_job, tmp_path, source, "news/3.txt", max_total_bytes=3 * len(GOOD) + 10)
    assert "batch.max_total_bytes" in error.detail


def test_zip_member_count_limit(run_job, tmp_path):
    source = _zip(tmp_path / "many.zip", {f"news/{n}.txt": GOOD for n in range(6)})
    error = _refused(run_job, tmp_path, source, "news/4.txt", max_members=4)
    assert "batch.max_members" in error.detail


def test_targz_bomb_whole_archive_ratio_is_refused(run_job, tmp_path):
    source = _tar(tmp_path / "bomb.tar.gz", [_file("news/good.txt"), _file("news/zeros.txt", bytes(5_000_000))])
    _refused(run_job, tmp_path, source, "news/zeros.txt")


def test_warc_record_count_limit(run_job, tmp_path):
    from tests.service.batch.articles import make_articles, write_warc

    source = write_warc(tmp_path / "many.warc.gz", make_articles(5), extra_records=False)
    error = _refused(run_job, tmp_path, source, "https://press.example.org/releases/003.html", max_members=3)
    assert "batch.max_members" in error.detail


def test_damaged_zip_is_bad_input(run_job, tmp_path):
    from service.errors import BadInputError

    source = tmp_path / "broken.zip"
    source.write_bytes(b"PK\x03\x04 this is not really a zip file")
    with pytest.raises(BadInputError, match="not a readable zip"):
        run_job(source, tmp_path / "out")
