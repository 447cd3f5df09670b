"""The shipped default glossary: size, completeness, required entities, no ambiguous terms."""
from __future__ import annotations

import re

import pytest

from service.glossary.formats import parse_glossary
from service.glossary.model import ENTRY_TYPES
from service.glossary.store_schema import DEFAULT_DATA, load_default_entries

REQUIRED = [
    # heads of state/government, foreign and defence ministers, current and recent
    "Donald Trump", "JD Vance", "Marco Rubio", "Pete Hegseth",
    "Joe Biden", "Antony Blinken", "Lloyd Austin",
    "Sanae Takaichi", "Toshimitsu Motegi", "Shinjiro Koizumi",
    "Fumio Kishida", "Shigeru Ishiba", "Yoko Kamikawa", "Minoru Kihara", "Takeshi Iwaya", "Gen Nakatani",
    "Lee Jae-myung", "Cho Hyun", "Ahn Gyu-back", "Yoon Suk Yeol", "Shin Won-sik", "Cho Tae-yul",
    "Xi Jinping", "Li Qiang", "Wang Yi", "Dong Jun",
    "Vladimir Putin", "Mikhail Mishustin", "Sergey Lavrov", "Andrei Belousov", "Sergei Shoigu",
    "Kim Jong Un", "Choe Son Hui",
    # aliases the brief names
    "Austin", "Secretary Austin", "Lloyd J. Austin III",
    # institutions
    "Japan-U.S. Security Consultative Committee", "Japan-US Security Consultative Committee", "2+2",
    "U.S. Forces Japan", "U.S. Indo-Pacific Command", "Indo-Pacific Command", "Ministry of Defense",
    "Ministry of Foreign Affairs", "Joint Staff", "State Department", "Pentagon", "NATO", "UN Security Council",
    "ASEAN",
    # places
    "United States", "US", "U.S.", "USA", "America", "Japan", "South Korea", "North Korea", "China", "Russia",
    "Taiwan", "Ukraine", "East China Sea", "South China Sea", "Sea of Japan", "Korean Peninsula", "Tokyo",
    "Seoul", "Beijing", "Pyongyang", "Moscow", "Washington", "Hawaii", "Okinawa",
    # systems
    "PAC-3", "AMRAAM", "THAAD", "Aegis", "Tomahawk", "ICBM",
]

SPOT_CHECKS = [
    ("Lloyd Austin", "ja", "ロイド・オースティン"),
    ("Lloyd Austin", "ko", "로이드 오스틴"),
    ("Yoko Kamikawa", "ja", "上川陽子"),
    ("Yoko Kamikawa", "ko", "가미카와 요코"),
    ("Xi Jinping", "ja", "習近平"),
    ("Xi Jinping", "ko", "시진핑"),
    ("Ministry of Defense", "ja", "防衛省"),
    ("Ministry of Defense", "ko", "방위성"),
    ("Sea of Japan", "ko", "동해"),
]

KATAKANA_NAME = re.compile(r"^[\u30a0-\u30ff]+(・[\u30a0-\u30ff]+)+$")


@pytest.fixture(scope="module")
def entries():
    return load_default_entries()


@pytest.fixture(scope="module")
def by_term(entries):
    return {term.casefold(): e for e in entries for term in (e.source, *e.aliases)}


def test_loads_through_the_user_file_parser(entries):
    assert entries == parse_glossary(DEFAULT_DATA.read_bytes(), "tsv", file=DEFAULT_DATA.name)


def test_has_at_least_150_entries(entries):
    assert len(entries) >= 150


def test_every_row_is_complete(entries):
    for entry in entries:
        assert entry.renderings.get("ja"), entry.source
        assert entry.renderings.get("ko"), entry.source
        assert entry.type in ENTRY_TYPES, entry.source
        assert entry.source_ref.strip(), entry.source


def test_raw_rows_have_every_column_filled():
    lines = DEFAULT_DATA.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    required = [header.index(c) for c in ("source", "type", "ja", "ko", "case_sensitive", "source_ref")]
    for number, line in enumerate(lines[1:], 2):
        cells = line.split("\t")
        assert len(cells) == len(header), number
        assert all(cells[i].strip() for i in required), number


@pytest.mark.parametrize("term", REQUIRED)
def test_required_entity_present(by_term, term):
    assert term.casefold() in by_term


@pytest.mark.parametrize(("term", "lang", "rendering"), SPOT_CHECKS)
def test_renderings_follow_media_usage(by_term, term, lang, rendering):
    assert by_term[term.casefold()].renderings[lang] == rendering


def test_no_term_belongs_to_two_entries(entries):
    owners: dict[str, str] = {}
    for entry in entries:
        for term in (entry.source, *entry.aliases):
            assert owners.setdefault(term.casefold(), entry.source) == entry.source, term


def test_people_have_role_notes(entries):
    people = [e for e in entries if e.type == "person"]
    assert len(people) >= 60
    for person in people:
        assert person.notes, person.source
        assert re.search(r"\d{4}", person.notes), person.source


def test_western_names_in_japanese_use_a_middle_dot(entries):
    western = [e for e in entries if e.type == "person" and re.fullmatch(r"[\u30a0-\u30ff・]+", e.renderings["ja"])]
    assert len(western) >= 20
    for entry in western:
        assert KATAKANA_NAME.match(entry.renderings["ja"]), entry.source


def test_sea_of_japan_notes_the_naming_dispute(by_term):
    assert "East Sea" in by_term["sea of japan"].notes
