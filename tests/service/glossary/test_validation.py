"""Glossary validation: one entry's problems, the one duplicate-term check, names and descriptions."""
from __future__ import annotations

import pytest

from service.errors import BadInputError, GlossaryFormatError
from service.glossary.model import GlossaryEntry
from service.glossary.validation import (
    MAX_DESCRIPTION_CHARS,
    MAX_TERM_CHARS,
    TermIndex,
    check_description,
    check_entries,
    entry_problem,
    make_entry,
    validate_name,
)

TOKYO = GlossaryEntry("Tokyo", {"ja": "東京"}, type="place")
AUSTIN = GlossaryEntry("Lloyd Austin", {"ja": "オースティン"}, type="person", aliases=("Austin",))


@pytest.mark.parametrize(("entry", "problem"), [
    (GlossaryEntry("Tokyo ", {"ja": "東京"}), "leading or trailing"),
    (GlossaryEntry("Tokyo", {"ja": " "}), "empty ja rendering"),
    (GlossaryEntry("Tokyo", {"ja": "東\t京"}), "control character"),
    (GlossaryEntry("T" * (MAX_TERM_CHARS + 1), {"ja": "東京"}), "longer than"),
    (GlossaryEntry("Tokyo", {"ja": "東京"}, aliases=("a|b",)), "'|'"),
    (GlossaryEntry("Tokyo", {"ja": "東京"}, variants={"ko": ("도쿄",)}), "no rendering"),
    (GlossaryEntry("Tokyo", {"ja": "東京"}, variants={"ja": ("東 京 ",)}), "bad ja variant"),
    (GlossaryEntry("Tokyo", {"ja": "東京"}, notes="two\nlines"), "notes must be one line"),
    (GlossaryEntry("Tokyo", {}), "has no rendering"),
    (GlossaryEntry("Tokyo", {"JA": "東京"}), "lower case"),
    (GlossaryEntry("Tokyo", {"xx": "東京"}), "xx"),
    (GlossaryEntry("Tokyo", {"ja": "東京"}, aliases=("TOKYO",)), "repeats a term"),
])
def test_entry_problem_names_the_problem(entry, problem):
    assert problem in (entry_problem(entry) or "")


KYIV = GlossaryEntry("Kyiv", {"ja": "キーウ"}, variants={"ja": ("キエフ",)})


@pytest.mark.parametrize("entry", [TOKYO, AUSTIN, KYIV])
def test_good_entries_have_no_problem(entry):
    assert entry_problem(entry) is None


@pytest.mark.parametrize(("second", "message"), [
    (GlossaryEntry("TOKYO", {"ja": "東京都"}), "duplicate source 'TOKYO' is already used by entry 'Tokyo' on line 3"),
    (GlossaryEntry("Tokyo Metropolis", {"ja": "東京都"}, aliases=("tokyo",)),
     "alias 'tokyo' is already used by entry 'Tokyo' on line 3"),
])
def test_term_index_names_both_lines(second, message):
    index = TermIndex("cities.tsv")
    index.add(TOKYO, 3)
    with pytest.raises(GlossaryFormatError) as caught:
        index.add(second, 7)
    assert caught.value.line == 7
    assert caught.value.file == "cities.tsv"
    assert message in caught.value.detail


def test_term_index_clash_without_lines():
    index = TermIndex()
    index.add(AUSTIN)
    assert index.clash(GlossaryEntry("Austin, Texas", {"ja": "オースティン"}, aliases=("Austin",))) == (
        "alias 'Austin' is already used by entry 'Lloyd Austin'")
    assert index.clash(TOKYO) is None


def test_make_entry_reports_the_line():
    assert make_entry(4, "f.tsv", source="Tokyo", renderings={"ja": "東京"}, type="place") == TOKYO
    with pytest.raises(GlossaryFormatError) as caught:
        make_entry(4, "f.tsv", source="Tokyo", renderings={"ja": "東京"}, type="city")
    assert caught.value.line == 4
    assert "unknown entry type" in caught.value.detail
    with pytest.raises(GlossaryFormatError, match="line 5: empty alias"):
        make_entry(5, "f.tsv", source="Tokyo", renderings={"ja": "東京"}, aliases=(" ",))


def test_check_entries_accepts_and_keeps_order():
    assert check_entries((AUSTIN, TOKYO)) == [AUSTIN, TOKYO]


@pytest.mark.parametrize(("entries", "message"), [
    ([TOKYO, TOKYO], "entry 'Tokyo': duplicate source 'Tokyo' is already used by entry 'Tokyo'"),
    ([TOKYO, GlossaryEntry("tokyo", {"ko": "도쿄"})], "entry 'tokyo': duplicate source"),
    ([AUSTIN, GlossaryEntry("Austin, Texas", {"ja": "オースティン"}, aliases=("Austin",))],
     "alias 'Austin' is already used by entry 'Lloyd Austin'"),
    ([GlossaryEntry("Tokyo", {"ja": "東京 "})], "entry 'Tokyo': ja rendering"),
])
def test_check_entries_refuses_with_the_entry_named(entries, message):
    with pytest.raises(BadInputError) as caught:
        check_entries(entries)
    assert not isinstance(caught.value, GlossaryFormatError)
    assert message in caught.value.detail


def test_check_entries_refuses_other_objects():
    with pytest.raises(TypeError, match="GlossaryEntry"):
        check_entries([{"source": "Tokyo"}])  # type: ignore[list-item]


@pytest.mark.parametrize("name", ["", " x", "x ", "a/b", "x" * 65, "日本"])
def test_validate_name_refuses(name):
    with pytest.raises(BadInputError):
        validate_name(name)


def test_check_description():
    assert check_description("  desk terms \n") == "desk terms"
    with pytest.raises(BadInputError, match="at most"):
        check_description("x" * (MAX_DESCRIPTION_CHARS + 1))
