"""Output names stay inside DIR and clear of the job's own files; writes are atomic."""
from __future__ import annotations

import pytest

from service.batch.outputs import TMP_PREFIX, atomic_write, check_formats, output_stem, remove_stale_temp_files
from service.errors import BadInputError


@pytest.mark.parametrize(("article_id", "stem"), [
    ("news/a.txt", "news/a.txt"),
    ("../../etc/passwd", "_../_../etc/passwd"),
    ("a.example/news?id=3", "a.example/news_id=3"),
    ("summary", "_summary"),
    ("learned", "_learned"),
    (".batch-tmp-x", "_.batch-tmp-x"),
    ("a//b", "a/_/b"),
])
def test_output_stems(article_id, stem):
    assert output_stem(article_id) == stem


def test_overlong_names_are_shortened_with_a_hash():
    stem = output_stem("x" * 400)
    assert len(stem.encode()) <= 180
    assert stem != output_stem("x" * 399)


def test_atomic_write_replaces_whole_files_and_stale_temp_files_go(tmp_path):
    target = tmp_path / "sub" / "a.json"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert not list(tmp_path.rglob(f"{TMP_PREFIX}*"))
    (tmp_path / "sub" / f"{TMP_PREFIX}abc").write_bytes(b"half")
    assert remove_stale_temp_files(tmp_path) == 1
    assert target.is_file()


def test_formats():
    assert check_formats("json, markdown,json") == ("json", "md")
    with pytest.raises(BadInputError, match="docx"):
        check_formats("json,docx")
