"""manifest.jsonl: torn lines dropped, one line per article after a run, done means same input."""
from __future__ import annotations

import json

import pytest

from service.batch.errors import BatchBusyError
from service.batch.manifest import JobLock, Manifest, options_key, read_manifest


def _record(article_id: str, status: str = "ok", sha: str = "a", outputs=()) -> dict:
    return {"id": article_id, "status": status, "sha256": sha, "options": "o", "outputs": list(outputs)}


def test_torn_last_line_is_dropped_and_the_file_compacted(tmp_path):
    path = tmp_path / "manifest.jsonl"
    lines = [_record("a", "failed"), _record("b"), _record("a")]
    path.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in lines) + b'{"id": "c", "sta')
    manifest = Manifest(path).open()
    assert list(manifest.records) == ["b", "a"]
    assert manifest.records["a"]["status"] == "ok"
    assert [json.loads(x)["id"] for x in path.read_text().splitlines()] == ["b", "a"]
    manifest.append(_record("c"))
    manifest.append(_record("b", sha="new"))
    assert path.read_text().count("\n") == 4  # appended as it goes
    manifest.close()
    assert [json.loads(x)["id"] for x in path.read_text().splitlines()] == ["a", "c", "b"]
    assert read_manifest(path)["b"]["sha256"] == "new"


@pytest.mark.parametrize(("record", "done"), [
    (_record("x", outputs=["x.json"]), True),
    (_record("x", sha="other", outputs=["x.json"]), False),
    (_record("x", status="failed"), False),
    (_record("x", outputs=["missing.json"]), False),
], ids=["same", "changed-input", "failed", "output-gone"])
def test_done_means_ok_same_input_same_options_outputs_present(tmp_path, record, done):
    (tmp_path / "x.json").write_text("{}")
    manifest = Manifest(tmp_path / "manifest.jsonl")
    manifest.records = {"x": record}
    assert manifest.is_done("x", "a", "o", tmp_path) is done
    assert manifest.is_done("x", "a", "other-options", tmp_path) is False


def test_options_key_is_stable_and_sensitive():
    assert options_key({"a": 1, "b": [1, 2]}) == options_key({"b": [1, 2], "a": 1})
    assert options_key({"a": 1}) != options_key({"a": 2})


def test_a_second_job_on_the_same_folder_is_refused(tmp_path):
    with JobLock(tmp_path), pytest.raises(BatchBusyError, match="another batch job"), JobLock(tmp_path):
        pass
    with JobLock(tmp_path):
        pass
