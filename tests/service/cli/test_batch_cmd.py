"""``python -m service batch``: exit codes 0, 2, 3 and 4, the printed summary, one-line errors."""
from __future__ import annotations

import json
import sys
import zipfile

import pytest

from tests.service.batch.articles import make_articles, write_folder, write_jsonl


def _manifest(out):
    return [json.loads(x) for x in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def test_all_ok_exits_0_and_prints_the_summary(run_cli, tmp_path, tiny_models_dir):
    source = write_jsonl(tmp_path / "a.jsonl", make_articles(4))
    out = tmp_path / "out"
    code, stdout, err = run_cli("batch", str(source), "--out", str(out), "--to", "ja", "--sentences", "3",
                                "--format", "json,md", "--quiet", "--models-dir", str(tiny_models_dir))
    assert code == 0, err
    assert "4 ok, 0 failed" in stdout
    assert "sentences/s" in stdout
    assert err == ""
    assert json.loads((out / "summary.json").read_text())["counts"]["ok"] == 4
    assert all(len(line["outputs"]) == 2 for line in _manifest(out))


def test_ten_corrupt_among_fifty_good_exit_4(run_cli, tmp_path, tiny_models_dir):
    root = write_folder(tmp_path / "in", make_articles(50))
    corrupt = [b"", b"\n\n", b"\xff\xfe\x00bad", b"Caf\xe9 society met.", b"\x00" * 30]
    for n, data in enumerate(corrupt):
        (root / f"corrupt-{n}.txt").write_bytes(data)
    (root / "corrupt.jsonl").write_text('{"id": 1}\n{oops\n[1, 2]\n', encoding="utf-8")
    (root / "corrupt.json").write_text("[", encoding="utf-8")
    (root / "corrupt.html").write_text("<html><body><script>x()</script></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = run_cli("batch", str(root), "--out", str(out), "--to", "ja", "--sentences", "3",
                                "--quiet", "--models-dir", str(tiny_models_dir))
    assert code == 4
    assert err.strip() == f"error: 10 of 60 articles failed; see {out / 'manifest.jsonl'}"
    lines = _manifest(out)
    assert sum(line["status"] == "ok" for line in lines) == 50
    failed = [line for line in lines if line["status"] == "failed"]
    assert len(failed) == 10
    assert all(line["error"]["code"] and line["error"]["message"] for line in failed)
    assert "failed (" in stdout


def test_unsafe_archive_exits_2_naming_the_member(run_cli, tmp_path):
    source = tmp_path / "slip.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("../../outside.txt", "Officials met in the capital on Monday.")
    code, _, err = run_cli("batch", str(source), "--out", str(tmp_path / "out"), "--to", "ja")
    assert code == 2
    assert "../../outside.txt" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_ray_engine_without_ray_exits_3_with_the_install_hint(run_cli, tmp_path, tiny_models_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    source = write_jsonl(tmp_path / "a.jsonl", make_articles(1))
    code, _, err = run_cli("batch", str(source), "--out", str(tmp_path / "out"), "--to", "ja", "--engine", "ray",
                           "--models-dir", str(tiny_models_dir))
    assert code == 3
    assert "pip install 'ray>=2.40'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("extra", "message"), [
    (("--format", "json,docx"), "docx"),
    (("--ray-address", "127.0.0.1:6379"), "--engine ray"),
    (("--workers", "0"), "--workers"),
], ids=["unknown-format", "address-without-ray", "no-workers"])
def test_bad_options_exit_2(run_cli, tmp_path, extra, message):
    source = write_jsonl(tmp_path / "a.jsonl", make_articles(1))
    code, _, err = run_cli("batch", str(source), "--out", str(tmp_path / "out"), *extra)
    assert code == 2
    assert message in err


def test_missing_input_exits_2(run_cli, tmp_path):
    code, _, err = run_cli("batch", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "no such file or folder" in err
