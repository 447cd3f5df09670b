"""CSV exports cannot run as spreadsheet formulas, and an export imports back unchanged."""
from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.glossary.formats import neutralize_formula, parse_glossary, restore_formula, serialise_glossary
from service.glossary.model import GlossaryEntry

DANGEROUS = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


@pytest.mark.parametrize("cell", DANGEROUS)
def test_a_formula_cell_is_exported_with_a_leading_apostrophe(cell):
    entries = [GlossaryEntry(source="Tokyo", renderings={"ja": cell})]
    data = serialise_glossary(entries, "csv", target_lang="ja").decode("utf-8")
    cells = next(csv.reader(io.StringIO(data)))
    assert cells[1] == "'" + cell


@pytest.mark.parametrize("cell", DANGEROUS)
def test_a_neutralized_export_imports_back_as_it_was(cell):
    entries = [GlossaryEntry(source="Tokyo", renderings={"ja": cell.strip() or "x"}, aliases=("-Tokyo",))]
    data = serialise_glossary(entries, "csv")
    assert parse_glossary(data, "csv") == entries


def test_plain_cells_are_untouched():
    assert neutralize_formula("東京") == "東京"
    assert neutralize_formula("a=b") == "a=b"


@given(st.text(max_size=20))
def test_restore_undoes_neutralize(cell):
    assert restore_formula(neutralize_formula(cell)) == cell or cell.startswith("'")
    assert not neutralize_formula(cell).startswith(("=", "+", "-", "@", "\t", "\r"))
