"""``python -m service glossary ...`` in-process, on isolated settings (run_cli from this folder's conftest)."""
from __future__ import annotations

import re

import pytest

PAIRS_TSV = "Tokyo\t東京\nOsaka\t大阪\n"
FULL_TSV = ("source\ttype\tja\tko\taliases\tnotes\tcase_sensitive\tsource_ref\n"
            "Lloyd Austin\tperson\tロイド・オースティン\t로이드 오스틴\tAustin|Secretary Austin\tSecDef\ttrue\tref\n")


@pytest.fixture
def full_file(tmp_path):
    path = tmp_path / "news.tsv"
    path.write_text(FULL_TSV, encoding="utf-8")
    return path


def test_list_shows_the_default_glossary(run_cli):
    code, out, err = run_cli("glossary", "list")
    assert code == 0, err
    assert out.splitlines()[0].startswith("NAME")
    assert any(line.startswith("default ") and "ja,ko" in line for line in out.splitlines())


def test_import_infers_format_then_show(run_cli, full_file):
    code, out, err = run_cli("glossary", "import", str(full_file), "--name", "news")
    assert code == 0, err
    assert "imported 1 entries into 'news'" in out
    code, out, err = run_cli("glossary", "show", "news")
    assert code == 0, err
    assert "ロイド・オースティン" in out
    assert "Austin|Secretary Austin" in out


@pytest.mark.parametrize(("suffix", "text", "extra"), [
    ("tsv", PAIRS_TSV, ["--target", "ja"]),
    ("csv", "Tokyo,東京\nOsaka,大阪\n", ["--target", "ja"]),
    ("txt", PAIRS_TSV, ["--format", "tsv", "--target", "ja"]),
])
def test_import_pair_files(run_cli, tmp_path, suffix, text, extra):
    path = tmp_path / f"cities.{suffix}"
    path.write_text(text, encoding="utf-8")
    code, out, err = run_cli("glossary", "import", str(path), "--name", "cities", *extra)
    assert code == 0, err
    code, out, _ = run_cli("glossary", "export", "cities", "--format", "tsv", "--target", "ja")
    assert out == PAIRS_TSV


def test_import_existing_name_needs_replace(run_cli, full_file):
    assert run_cli("glossary", "import", str(full_file), "--name", "news")[0] == 0
    code, _, err = run_cli("glossary", "import", str(full_file), "--name", "news")
    assert code == 2
    assert "already exists" in err
    code, out, err = run_cli("glossary", "import", str(full_file), "--name", "news", "--replace")
    assert code == 0
    assert "version 2" in out


def test_export_to_file_and_tbx_round_trip(run_cli, full_file, tmp_path):
    run_cli("glossary", "import", str(full_file), "--name", "news")
    out_path = tmp_path / "out" / "news.tbx"
    out_path.parent.mkdir()
    code, _out, err = run_cli("glossary", "export", "news", "--format", "tbx", "--out", str(out_path))
    assert code == 0, err
    assert out_path.read_bytes().startswith(b"<?xml")
    assert [p.name for p in out_path.parent.iterdir()] == ["news.tbx"]  # no temp file left behind
    code, _, err = run_cli("glossary", "import", str(out_path), "--name", "back")
    assert code == 0, err
    assert run_cli("glossary", "export", "back", "--format", "tsv")[1] == FULL_TSV


def test_export_to_missing_folder_fails_cleanly(run_cli, tmp_path):
    code, _, err = run_cli("glossary", "export", "default", "--format", "csv", "--target", "ja",
                           "--out", str(tmp_path / "nowhere" / "x.csv"))
    assert code == 2
    assert err.startswith("error: ")
    assert len(err.strip().splitlines()) == 1


def test_reset_default_puts_back_the_shipped_entries(run_cli, full_file):
    shipped = run_cli("glossary", "export", "default", "--format", "tsv")[1]
    replaced = run_cli("glossary", "import", str(full_file), "--name", "default", "--replace")[1]
    run_cli("glossary", "import", str(full_file), "--name", "news")
    assert run_cli("glossary", "export", "default", "--format", "tsv")[1] == FULL_TSV
    code, out, err = run_cli("glossary", "reset-default")
    assert code == 0, err
    assert out.startswith("reset 'default' to the ")
    assert int(re.findall(r"version (\d+)", out)[0]) > int(re.findall(r"version (\d+)", replaced)[0])
    assert run_cli("glossary", "export", "default", "--format", "tsv")[1] == shipped
    assert run_cli("glossary", "export", "news", "--format", "tsv")[1] == FULL_TSV


def test_refusing_to_delete_the_default_names_a_command_that_works(run_cli):
    code, _, err = run_cli("glossary", "delete", "default")
    assert code == 2
    command = re.search(r"`python -m service ([^`]+)`", err)
    assert command is not None, err
    code, _, err = run_cli(*command.group(1).split())
    assert code == 0, err


def test_delete(run_cli, full_file):
    run_cli("glossary", "import", str(full_file), "--name", "news")
    code, _out, err = run_cli("glossary", "delete", "news")
    assert code == 0, err
    code, _, err = run_cli("glossary", "show", "news")
    assert code == 2
    assert "no glossary named 'news'" in err


ERRORS = [
    (["glossary", "show", "missing"], "no glossary named"),
    (["glossary", "delete", "default"], "cannot be deleted"),
    (["glossary", "import", "/nonexistent/x.tsv", "--name", "x"], "no such glossary file"),
    (["glossary", "export", "default", "--format", "tsv", "--target", "fr"], "no 'fr' renderings"),
    (["glossary", "export", "default", "--format", "tsv", "--target", "xx"], "unknown language code"),
]


@pytest.mark.parametrize(("argv", "fragment"), ERRORS)
def test_errors_are_one_line(run_cli, argv, fragment):
    code, _, err = run_cli(*argv)
    assert code == 2
    assert fragment in err
    assert len(err.strip().splitlines()) == 1


BAD_FILES = [
    ("bad.tsv", "Tokyo\t東京\nOsaka\n", ["--target", "ja"], "line 2"),
    ("bad.csv", "Tokyo,東京\nOsaka,\n", ["--target", "ja"], "line 2"),
    ("bad.tsv", PAIRS_TSV, [], "target language"),
    ("bad.tbx", '<?xml version="1.0"?>\n<martif>\n<text>\n</martif>\n', [], "line 4"),
    ("bad.xlsx", PAIRS_TSV, [], "--format"),
]


@pytest.mark.parametrize(("name", "text", "extra", "fragment"), BAD_FILES)
def test_bad_import_reports_and_changes_nothing(run_cli, tmp_path, name, text, extra, fragment):
    before = run_cli("glossary", "export", "default", "--format", "tsv")[1]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, _, err = run_cli("glossary", "import", str(path), "--name", "default", "--replace", *extra)
    assert code == 2
    assert fragment in err
    assert len(err.strip().splitlines()) == 1
    assert run_cli("glossary", "export", "default", "--format", "tsv")[1] == before


def test_assign_gives_a_glossary_to_a_team_a_key_or_everyone(run_cli, full_file, tmp_path):
    from service.glossary.store import GlossaryStore
    from service.storage.keys import KeyStore
    from service.storage.tenancy import EDITOR, Tenant
    from tests.helpers import make_settings

    url = make_settings(tmp_path).database_url
    run_cli("glossary", "import", str(full_file), "--name", "news")
    assert re.search(r"^news .* shared ", run_cli("glossary", "list")[1], re.M)
    code, _out, err = run_cli("glossary", "assign", "news", "--team", "desk")
    assert code == 0, err
    assert re.search(r"^news .* team:desk ", run_cli("glossary", "list")[1], re.M)
    store = GlossaryStore(url)
    assert store.get("news", tenant=Tenant("team:desk", EDITOR)).owner == "team:desk"
    key, _ = KeyStore(url).create("solo")
    assert run_cli("glossary", "assign", "news", "--key", key.id)[0] == 0
    assert store.get("news", tenant=Tenant(f"key:{key.id}", EDITOR)).name == "news"
    assert run_cli("glossary", "assign", "news", "--shared")[0] == 0
    assert store.get("news").owner is None
    store.close()


@pytest.mark.parametrize(("argv", "fragment"), [
    (["default", "--team", "desk"], "stays shared"),
    (["news", "--key", "bk_nothere"], "no API key"),
    (["news", "--team", "two words"], "bad team name"),
    (["nope", "--shared"], "no glossary"),
])
def test_assign_refusals_are_one_line(run_cli, full_file, argv, fragment):
    run_cli("glossary", "import", str(full_file), "--name", "news")
    code, _, err = run_cli("glossary", "assign", *argv)
    assert code != 0
    assert fragment in err
    assert len(err.strip().splitlines()) == 1
