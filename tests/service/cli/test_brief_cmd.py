"""``python -m service brief``: formats, exit codes and one-line errors."""
from __future__ import annotations

import json

import pytest

ARTICLE = "Officials met in the capital on Monday. They discussed trade and security. Talks resume in May.\n"


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_json_brief_on_tiny_models(run_cli, article, tiny_models_dir):
    code, out, err = run_cli("brief", str(article), "--to", "ja,ko", "--sentences", "2",
                             "--format", "json", "--models-dir", str(tiny_models_dir))
    assert code == 0, err
    brief = json.loads(out)
    assert len(brief["segments"]) == 2
    for seg in brief["segments"]:
        assert seg["translations"]["ja"].strip()
        assert seg["translations"]["ko"].strip()
    assert any(w["code"] == "tiny-models" for w in brief["meta"]["warnings"])


@pytest.mark.parametrize(("fmt", "marker"), [("text", "[s1] en: "), ("markdown", "# Brief")])
def test_human_formats_show_each_sentence_with_translations(run_cli, article, tiny_models_dir, fmt, marker):
    code, out, _ = run_cli("brief", str(article), "--to", "ja", "--sentences", "1",
                           "--format", fmt, "--models-dir", str(tiny_models_dir))
    assert code == 0
    assert marker in out
    assert "Officials met in the capital on Monday." in out
    assert ("ja:" in out) if fmt == "text" else ("*Japanese*:" in out)


def test_reads_standard_input(run_cli, tiny_models_dir):
    code, out, _ = run_cli("brief", "-", "--to", "ko", "--sentences", "1", "--format", "json",
                           "--models-dir", str(tiny_models_dir), stdin=ARTICLE.encode())
    assert code == 0
    assert json.loads(out)["segments"][0]["en"] == "Officials met in the capital on Monday."


def _bad(run_cli, tmp_path, content: bytes, *extra: str):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    return run_cli("brief", str(path), *extra)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"   \n\n\t ", "empty"),
    (b"Caf\xe9 owners met.", "not valid UTF-8"),
], ids=["empty", "whitespace-only", "non-utf8"])
def test_bad_text_exits_2_with_one_line(run_cli, tmp_path, content, message):
    code, out, err = _bad(run_cli, tmp_path, content)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_text_over_limit_exits_2(run_cli, tmp_path, monkeypatch):
    code, _, err = _bad(run_cli, tmp_path, b"word " * 30_000)
    assert code == 2
    assert "limit" in err


def test_unknown_language_exits_2(run_cli, article):
    code, _, err = run_cli("brief", str(article), "--to", "xx")
    assert code == 2
    assert "xx" in err


def test_pair_with_no_model_exits_2(run_cli, article):
    code, _, err = run_cli("brief", str(article), "--to", "fr")
    assert code == 2
    assert "en-fr" in err


def test_missing_model_exits_3_naming_it_and_how_to_get_it(run_cli, article, tmp_path):
    code, _, err = run_cli("brief", str(article), "--to", "ja", "--models-dir", str(tmp_path / "empty"))
    assert code == 3
    assert "opus-tatoeba-en-ja" in err or "all-MiniLM" in err or "minilm" in err.lower()
    assert "import" in err or "pull" in err


def test_corrupt_model_directory_exits_3(run_cli, article, tiny_models_dir, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(tiny_models_dir, broken)
    for weights in [*broken.rglob("*.safetensors"), *broken.rglob("model.bin")]:
        weights.write_bytes(b"not a model")
    code, _, err = run_cli("brief", str(article), "--to", "ja", "--models-dir", str(broken))
    assert code == 3
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_file_exits_2(run_cli, tmp_path):
    code, _, err = run_cli("brief", str(tmp_path / "nope.txt"))
    assert code == 2
    assert "no such file" in err


def test_sentences_and_ratio_are_exclusive(run_cli, article):
    with pytest.raises(SystemExit) as exc:
        run_cli("brief", str(article), "--sentences", "2", "--ratio", "0.5")
    assert exc.value.code == 2


def test_learned_names_can_be_saved_into_a_glossary(run_cli, tmp_path, tiny_models_dir):
    path = tmp_path / "names.txt"
    path.write_text("Harold Quimby visited the port on Monday. Harold Quimby left on Friday.", encoding="utf-8")
    code, out, err = run_cli("brief", str(path), "--to", "ja,ko", "--sentences", "2", "--format", "json",
                             "--models-dir", str(tiny_models_dir), "--save-learned", "desk")
    assert code == 0, err
    learned = {e["source"]: e for e in json.loads(out)["entities"] if e["resolution"] == "learned"}
    assert "Harold Quimby" in learned
    assert "saved" in err
    code, shown, _ = run_cli("glossary", "show", "desk")
    assert code == 0
    assert "Harold Quimby" in shown
    assert learned["Harold Quimby"]["renderings"]["ko"] in shown


# -- exchange formats (XLIFF, TMX, TBX) -----------------------------------------------------------


def _tiny(tiny_models_dir, *extra: str) -> tuple[str, ...]:
    return ("--sentences", "2", "--models-dir", str(tiny_models_dir), *extra)


@pytest.mark.parametrize(("fmt", "root"), [("tmx", "tmx"), ("tbx", "martif"), ("xliff", "xliff"), ("xliff12", "xliff")])
def test_single_file_formats_print_to_stdout(run_cli, article, tiny_models_dir, fmt, root):
    from lxml import etree

    code, out, err = run_cli("brief", str(article), "--to", "ja", "--format", fmt, *_tiny(tiny_models_dir))
    assert code == 0, err
    assert etree.QName(etree.fromstring(out.encode("utf-8"))).localname == root


def test_xliff_for_two_languages_needs_out(run_cli, article, tiny_models_dir):
    code, out, err = run_cli("brief", str(article), "--to", "ja,ko", "--format", "xliff", *_tiny(tiny_models_dir))
    assert code == 2
    assert out == ""
    assert "--out" in err
    assert len(err.strip().splitlines()) == 1


def test_out_directory_gets_one_xliff_per_language(run_cli, article, tiny_models_dir, tmp_path):
    from service.exports.xliff import read_xliff

    folder = tmp_path / "desk"
    folder.mkdir()
    code, _out, err = run_cli("brief", str(article), "--to", "ja,ko", "--format", "xliff", "--out", str(folder),
                             *_tiny(tiny_models_dir))
    assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == ["brief.ja.xlf", "brief.ko.xlf"]
    assert read_xliff((folder / "brief.ko.xlf").read_bytes())[1] == "ko"
    assert "brief.ja.xlf" in err


def test_out_prefix_names_the_files(run_cli, article, tiny_models_dir, tmp_path):
    code, _, err = run_cli("brief", str(article), "--to", "ja", "--format", "tmx", "--out",
                           str(tmp_path / "harbor"), *_tiny(tiny_models_dir))
    assert code == 0, err
    assert (tmp_path / "harbor.tmx").is_file()
    assert not list(tmp_path.glob(".*.tmp")), "temporary files are renamed into place"


def test_out_in_a_missing_directory_exits_2(run_cli, article, tiny_models_dir, tmp_path):
    code, _, err = run_cli("brief", str(article), "--to", "ja", "--format", "tmx", "--out",
                           str(tmp_path / "nowhere" / "harbor"), *_tiny(tiny_models_dir))
    assert code == 2
    assert "no such directory" in err


def test_unknown_format_is_a_usage_error(run_cli, article):
    with pytest.raises(SystemExit) as info:
        run_cli("brief", str(article), "--format", "docx")
    assert info.value.code == 2
