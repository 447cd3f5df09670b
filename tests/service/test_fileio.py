"""Atomic writes: the old file or the whole new one, never half; no temp file left behind."""
from __future__ import annotations

from pathlib import Path

import pytest

from service.fileio import write_atomic


def test_write_replaces_the_whole_file_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "brief.tmx"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.tmx"]


def test_parents_are_made_only_when_asked(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "new" / "a.json", b"{}")
    write_atomic(tmp_path / "new" / "a.json", b"{}", make_parents=True)
    assert (tmp_path / "new" / "a.json").read_bytes() == b"{}"


def test_a_failed_write_keeps_the_old_file_and_removes_the_temp_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "summary.json"
    write_atomic(target, b"old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("service.fileio.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"new", tmp_prefix=".job-tmp-")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]
