"""``python -m service tm``: import, list, export, delete; bad files exit 2 with one line and change nothing."""
from __future__ import annotations

import pytest

from service.brief import AlignedSegment, Brief, BriefMeta
from service.exports import export_brief
from service.memory.files import read_memory_file


@pytest.fixture
def xliff_file(tmp_path):
    brief = Brief(segments=[AlignedSegment("s1", 0, "Rain fell on the harbor.", {"ja": "港に雨が降った。"},
                                           {"ja": "edited"})],
                  entities=[], meta=BriefMeta(target_langs=["ja"]))
    [(suffix, data)] = export_brief(brief, "xliff")
    path = tmp_path / f"harbor{suffix}"
    path.write_bytes(data)
    return path


def test_import_list_export_delete(run_cli, xliff_file, tmp_path):
    code, _, err = run_cli("tm", "import", str(xliff_file), "--name", "desk")
    assert code == 0
    assert "1 unit" in err
    code, out, _ = run_cli("tm", "list")
    assert code == 0
    assert out.startswith("desk\t1 unit(s)\ten-ja\t")
    out_file = tmp_path / "desk.tmx"
    assert run_cli("tm", "export", "desk", "--out", str(out_file))[0] == 0
    assert [(u.source, u.target) for u in read_memory_file(out_file.read_bytes())] == [
        ("Rain fell on the harbor.", "港に雨が降った。")]
    code, out, _ = run_cli("tm", "export", "desk")
    assert code == 0
    assert "<tmx" in out
    assert run_cli("tm", "delete", "desk")[0] == 0
    code, out, err = run_cli("tm", "list")
    assert out == ""
    assert "no translation memories" in err


def test_name_defaults_to_the_file_stem(run_cli, xliff_file):
    assert run_cli("tm", "import", str(xliff_file))[0] == 0
    assert run_cli("tm", "list")[1].startswith("harbor.ja\t")


def _one_line_error(code, out, err, *words):
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    for word in words:
        assert word in err


def test_malformed_file_exits_2_naming_the_line_and_keeps_the_memory(run_cli, xliff_file, tmp_path):
    run_cli("tm", "import", str(xliff_file), "--name", "desk")
    bad = tmp_path / "bad.xlf"
    bad.write_bytes(xliff_file.read_bytes()[:-40])
    _one_line_error(*run_cli("tm", "import", str(bad), "--name", "desk"), "bad.xlf", "line")
    assert run_cli("tm", "list")[1].startswith("desk\t1 unit(s)")


def test_missing_file_exits_2(run_cli, tmp_path):
    _one_line_error(*run_cli("tm", "import", str(tmp_path / "none.xlf")), "no such file")


def test_unknown_memory_exits_2(run_cli):
    _one_line_error(*run_cli("tm", "export", "nope"), "nope")
    _one_line_error(*run_cli("tm", "delete", "nope"), "nope")


def test_bad_name_exits_2(run_cli, xliff_file):
    _one_line_error(*run_cli("tm", "import", str(xliff_file), "--name", "a/b"), "bad translation memory name")


def test_export_into_a_missing_directory_exits_2(run_cli, xliff_file, tmp_path):
    run_cli("tm", "import", str(xliff_file), "--name", "desk")
    _one_line_error(*run_cli("tm", "export", "desk", "--out", str(tmp_path / "no" / "x.tmx")), "no such directory")



def test_list_shows_every_tenants_memories_with_their_owner(run_cli, xliff_file, tmp_path):
    from service.memory.files import MemoryUnit
    from service.memory.store import MemoryStore
    from service.storage.tenancy import Tenant

    assert run_cli("tm", "import", str(xliff_file), "--name", "house")[0] == 0
    store = MemoryStore(tmp_path / "store.sqlite3")
    store.add_units("desk-tm", [MemoryUnit("en", "ja", "Rain fell.", "雨。")], tenant=Tenant("team:desk"))
    store.close()
    lines = run_cli("tm", "list")[1].splitlines()
    assert [(line.split("\t")[0], line.split("\t")[-1]) for line in lines] == [("desk-tm", "team:desk"),
                                                                              ("house", "shared")]
