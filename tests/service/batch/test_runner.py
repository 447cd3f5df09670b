"""Batch runs over every input kind (200 generated articles each), resume, force and outputs."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.service.batch.articles import (
    make_articles,
    write_folder,
    write_jsonl,
    write_targz,
    write_warc,
    write_zip,
)
from tests.service.batch.helpers import manifest_lines

WRITERS = {
    "folder": lambda tmp, arts: write_folder(tmp / "articles", arts),
    "zip": lambda tmp, arts: write_zip(tmp / "articles.zip", arts),
    "tar.gz": lambda tmp, arts: write_targz(tmp / "articles.tar.gz", arts),
    "jsonl": lambda tmp, arts: write_jsonl(tmp / "articles.jsonl", arts),
    "warc": lambda tmp, arts: write_warc(tmp / "articles.warc.gz", arts),
}


@pytest.fixture(scope="module")
def two_hundred() -> list[str]:
    return make_articles(200)


def _check_complete(out: Path, count: int) -> list[dict]:
    lines = manifest_lines(out)
    ok = [line for line in lines if line["status"] == "ok"]
    assert len(ok) == count
    assert len({line["id"] for line in lines}) == len(lines), "one line per article"
    for line in ok:
        assert line["outputs"]
        assert len(line["sha256"]) == 64
        assert line["sentences"] >= 1
        for relative in line["outputs"]:
            path = out / relative
            assert path.resolve().is_relative_to(out.resolve())
            if relative.endswith(".json"):
                brief = json.loads(path.read_text(encoding="utf-8"))
                assert brief["segments"]
                assert all(s["translations"]["ja"] for s in brief["segments"])
    return lines


@pytest.mark.parametrize("kind", list(WRITERS))
def test_every_article_of_every_input_kind_gets_outputs_and_one_ok_line(run_job, tmp_path, two_hundred, kind):
    source = WRITERS[kind](tmp_path, two_hundred)
    out = tmp_path / "out"
    summary = run_job(source, out, batch={"group_articles": 32})
    assert (summary.ok, summary.failed, summary.skipped) == (200, 0, 0)
    lines = _check_complete(out, 200)
    if kind == "warc":
        assert all(line["source"].startswith("https://press.example.org/releases/") for line in lines)
        assert summary.not_articles == 2  # the image and the 404 page
    saved = json.loads((out / "summary.json").read_text())
    assert saved["counts"] == {"ok": 200, "failed": 0, "skipped": 0, "not_articles": summary.not_articles}
    assert saved["sentences"] == sum(line["sentences"] for line in lines)
    assert saved["sentences_per_s"] > 0
    assert (out / "learned.tbx").read_bytes().startswith(b"<?xml")


def test_rerun_skips_everything_done_and_writes_no_new_lines(run_job, tmp_path):
    source = write_jsonl(tmp_path / "a.jsonl", make_articles(12))
    out = tmp_path / "out"
    run_job(source, out)
    before = (out / "manifest.jsonl").read_bytes()
    again = run_job(source, out)
    assert (again.ok, again.skipped, again.failed) == (0, 12, 0)
    assert (out / "manifest.jsonl").read_bytes() == before


def test_changed_article_or_options_are_redone_force_redoes_all(run_job, tmp_path):
    articles = make_articles(6)
    source = write_jsonl(tmp_path / "a.jsonl", articles)
    out = tmp_path / "out"
    run_job(source, out)
    write_jsonl(source, [articles[0] + " One more sentence was added to this report today.", *articles[1:]])
    changed = run_job(source, out)
    assert (changed.ok, changed.skipped) == (1, 5)
    other_options = run_job(source, out, formats=("json", "md"))
    assert (other_options.ok, other_options.skipped) == (6, 0)
    forced = run_job(source, out, formats=("json", "md"), force=True)
    assert (forced.ok, forced.skipped) == (6, 0)
    lines = _check_complete(out, 6)
    assert all(sorted(p.rsplit(".", 1)[1] for p in line["outputs"]) == ["json", "md"] for line in lines)


def test_missing_output_file_is_rebuilt(run_job, tmp_path):
    source = write_jsonl(tmp_path / "a.jsonl", make_articles(3))
    out = tmp_path / "out"
    run_job(source, out)
    (out / "a.jsonl" / "story-001.json").unlink()
    again = run_job(source, out)
    assert (again.ok, again.skipped) == (1, 2)
    assert (out / "a.jsonl" / "story-001.json").is_file()


@pytest.mark.parametrize(("fmt", "suffixes"), [
    ("md", [".md"]),
    ("xliff", [".ja.xlf", ".ko.xlf"]),
    ("tmx", [".tmx"]),
])
def test_output_formats(run_job, tmp_path, fmt, suffixes):
    if fmt != "md":
        pytest.importorskip("service.exports")
    source = write_jsonl(tmp_path / "a.jsonl", make_articles(2))
    out = tmp_path / "out"
    run_job(source, out, formats=(fmt,), to=("ja", "ko"))
    for line in manifest_lines(out):
        assert [p.removeprefix(f"a.jsonl/{line['id'].rsplit('/', 1)[1]}") for p in line["outputs"]] == suffixes
        assert all((out / p).stat().st_size > 0 for p in line["outputs"])


def test_titles_reach_every_output_and_the_manifest_and_footers_none(run_job, tmp_path):
    articles = [f"Harbour Talks Resume In Round {n} Of Port Negotiations\n\n{text}\n\nPrint | Email\n\n###"
                for n, text in enumerate(make_articles(2), 1)]
    source = write_folder(tmp_path / "in", articles)
    out = tmp_path / "out"
    run_job(source, out, formats=("json", "md", "xliff", "tmx"), to=("ja",))
    for line in manifest_lines(out):
        assert line["title"].startswith("Harbour Talks Resume In Round ")
        files = {Path(p).suffix: (out / p).read_text(encoding="utf-8") for p in line["outputs"]}
        brief = json.loads(files[".json"])
        assert brief["title"]["en"] == line["title"]
        assert brief["title"]["translations"]["ja"]
        assert [d["kind"] for d in brief["meta"]["dropped"]] == ["navigation", "end-mark"]
        assert files[".md"].startswith(f"# {line['title']}\n")
        assert '<tu tuid="title">' in files[".tmx"]
        assert 'id="title"' in files[".xlf"]
        for text in files.values():
            assert "Print | Email" not in text.replace("navigation: Print | Email", "").replace(
                '"text": "Print | Email"', "")


def test_ten_corrupt_among_fifty_good_fail_alone_with_reasons(run_job, tmp_path):
    root = write_folder(tmp_path / "in", make_articles(50))
    bad = root / "bad"
    bad.mkdir()
    (bad / "latin1.txt").write_bytes("Caf\xe9 owners met in the capital on Monday.".encode("latin-1"))
    (bad / "empty.txt").write_bytes(b"")
    (bad / "blank.md").write_bytes(b"  \n\t\n")
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02PK" * 50)
    (bad / "huge.txt").write_text("Officials met again today. " * 4000, encoding="utf-8")
    (bad / "no-text.html").write_text("<html><body></body></html>", encoding="utf-8")
    (bad / "broken.json").write_text('{"text": "unterminated', encoding="utf-8")
    (bad / "records.jsonl").write_text('{"id": "x1", "text": 42}\nnot json at all\n', encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("A file outside the input folder is never read through a link.", encoding="utf-8")
    (bad / "link.txt").symlink_to(outside)
    summary = run_job(root, tmp_path / "out", batch={"group_articles": 16})
    lines = manifest_lines(tmp_path / "out")
    failed = {line["id"]: line["error"]["code"] for line in lines if line["status"] == "failed"}
    assert summary.ok == 50, failed
    assert summary.failed == 10, failed
    assert all(line["error"]["message"] for line in lines if line["status"] == "failed")
    assert failed["bad/latin1.txt"] == "bad-encoding"
    assert failed["bad/binary.txt"] == "binary-content"
    assert failed["bad/empty.txt"] == failed["bad/blank.md"] == "empty-text"
    assert failed["bad/huge.txt"] == "text-too-long"
    assert failed["bad/no-text.html"] == "no-main-text"
    assert failed["bad/broken.json"] == failed["bad/records.jsonl/x1"] == "invalid-record"
    assert failed["bad/records.jsonl/line-2"] == "invalid-record"
    assert failed["bad/link.txt"] == "unreadable-article"
    assert Counter(failed.values()) == summary.failures


def test_other_files_are_listed_as_skipped_not_articles(run_job, tmp_path):
    root = write_folder(tmp_path / "in", make_articles(2))
    (root / "logo.png").write_bytes(b"\x89PNG")
    (root / ".hidden.txt").write_text("Hidden files are not read at all by the batch.", encoding="utf-8")
    summary = run_job(root, tmp_path / "out")
    lines = {line["id"]: line for line in manifest_lines(tmp_path / "out")}
    assert summary.not_articles == 1
    assert lines["logo.png"]["status"] == "skipped"
    assert lines["logo.png"]["error"]["code"] == "not-an-article"
    assert ".hidden.txt" not in lines


def test_output_folder_inside_the_input_folder_is_not_read(run_job, tmp_path):
    root = write_folder(tmp_path / "in", make_articles(3))
    run_job(root, root / "out")
    again = run_job(root, root / "out")
    assert (again.ok, again.skipped, again.failed, again.not_articles) == (0, 3, 0, 0)


def test_a_brief_an_exporter_cannot_write_fails_alone(run_job, tmp_path, monkeypatch):
    import service.batch.runner as runner

    real = runner.render_outputs

    def fragile(brief, formats):
        if "report number 2." in brief.segments[0].en:
            raise ValueError("exporter broke")
        return real(brief, formats)

    monkeypatch.setattr(runner, "render_outputs", fragile)
    source = write_jsonl(tmp_path / "a.jsonl", make_articles(3))
    summary = run_job(source, tmp_path / "out")
    assert (summary.ok, summary.failed) == (2, 1)
    assert summary.failures == {"internal-error": 1}
