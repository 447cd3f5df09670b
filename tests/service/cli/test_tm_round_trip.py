"""The desk's round trip on the CLI: export XLIFF, edit a target as a CAT tool would, import, reuse."""
from __future__ import annotations

import json

import pytest
from lxml import etree

from tests.service.memory.helpers import edit_target


@pytest.mark.parametrize("fmt", ["xliff", "xliff12"])
def test_cli_edited_xliff_makes_the_next_brief_tm_exact(run_cli, tmp_path, tiny_models_dir, fmt):
    article = tmp_path / "harbor.txt"
    article.write_text("Ferries left the harbor at dawn on Tuesday. Crews checked the cranes twice. "
                       "Inspectors approved the new pier.\n", encoding="utf-8")
    common = ("--to", "ja,ko", "--sentences", "2", "--models-dir", str(tiny_models_dir))
    code, _, err = run_cli("brief", str(article), "--format", fmt, "--out", str(tmp_path / "harbor"), *common)
    assert code == 0, err
    exported = sorted(tmp_path.glob("harbor.ja*.xlf"))[0]
    tree = etree.parse(str(exported))
    edit_target(tree.getroot(), "s1", "夜明けにフェリーが港を出た。")
    tree.write(str(exported), xml_declaration=True, encoding="UTF-8")
    code, _, err = run_cli("tm", "import", str(exported), "--name", "desk")
    assert code == 0, "only the edited unit is a human translation"
    assert "1 unit" in err, "only the edited unit is a human translation"
    code, out, err = run_cli("brief", str(article), "--format", "json", *common)
    assert code == 0, err
    first, second = json.loads(out)["segments"]
    assert first["translations"]["ja"] == "夜明けにフェリーが港を出た。"
    assert first["provenance"] == {"ja": "tm-exact", "ko": "model"}
    assert second["provenance"] == {"ja": "model", "ko": "model"}
