"""MemoryStore on both backends (SQLite and PostgreSQL): import in one transaction, list, export, delete,
exact and fuzzy lookups, owners; forward migration of old SQLite files is in test_schema.py."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from service.errors import BadInputError
from service.exports.common import ExchangeFileError
from service.glossary.store import GlossaryStore
from service.memory.files import MemoryUnit, read_memory_file
from service.memory.store import MemoryNotFoundError, MemoryStore

UNITS = [MemoryUnit("en", "ja", "Officials met in the port city on Monday.", "月曜日、港町で当局者が会談した。"),
         MemoryUnit("en", "ko", "Officials met in the port city on Monday.", "월요일 항구 도시에서 관리들이 만났다."),
         MemoryUnit("en", "ja", "Rain fell.", "雨が降った。")]
GOOD_TMX = ("<tmx version='1.4'><header srclang='en' segtype='sentence' o-tmf='x' adminlang='en' datatype='plaintext' "
            "creationtool='t' creationtoolversion='1'/><body><tu><tuv xml:lang='en'><seg>Hi.</seg></tuv>"
            "<tuv xml:lang='ja'><seg>やあ</seg></tuv></tu></body></tmx>").encode()


@pytest.fixture
def store(store_url):
    s = MemoryStore(store_url)
    yield s
    s.close()


def test_add_list_get_units_delete(store):
    info = store.add_units("desk", UNITS)
    assert (info.name, info.unit_count, info.pairs) == ("desk", 3, ("en-ja", "en-ko"))
    assert [m.name for m in store.list_memories()] == ["desk"]
    assert store.get("DESK").unit_count == 3
    assert sorted(u.target for u in store.units("desk")) == sorted(u.target for u in UNITS)
    store.delete("desk")
    assert store.list_memories() == []
    with pytest.raises(MemoryNotFoundError):
        store.get("desk")


def test_a_later_unit_for_the_same_source_replaces_the_earlier(store):
    store.add_units("desk", UNITS)
    info = store.add_units("desk", [MemoryUnit("en", "ja", "Rain  fell.", "雨。")])
    assert info.unit_count == 3
    assert store.exact("en", "ja", ["Rain fell."])["Rain fell."].target == "雨。"


def test_export_tmx_reads_back_as_the_same_units(store):
    store.add_units("desk", UNITS)
    back = read_memory_file(store.export_tmx("desk"))
    assert sorted((u.target_lang, u.source, u.target) for u in back) == sorted(
        (u.target_lang, u.source, u.target) for u in UNITS)


def test_exact_matches_by_language_pair(store):
    store.add_units("desk", UNITS)
    found = store.exact("en", "ko", ["Officials met in the port city on Monday.", "Rain fell."])
    assert list(found) == ["Officials met in the port city on Monday."]
    assert found["Officials met in the port city on Monday."].score == 1.0


def test_fuzzy_scores_between_threshold_and_one(store):
    store.add_units("desk", UNITS)
    [match] = store.fuzzy("en", "ja", "Officials met in the port city on Tuesday.", 0.75)
    assert 0.75 <= match.score < 1 and match.target == UNITS[0].target and match.memory == "desk"
    assert store.fuzzy("en", "ja", "Officials met in the port city on Tuesday.", 0.99) == []
    assert store.fuzzy("en", "ja", "Rain fell.", 0.5) == [], "an exact match is not a suggestion"


def test_bad_file_leaves_the_store_unchanged(store):
    store.import_file(GOOD_TMX, "desk")
    before = store.units("desk")
    with pytest.raises(ExchangeFileError):
        store.import_file(GOOD_TMX[:-20], "desk")
    assert store.units("desk") == before


def test_a_failure_mid_import_rolls_back(store, monkeypatch):
    store.add_units("desk", UNITS[:1])
    bad = [UNITS[1], MemoryUnit("en", "ja", "x", None)]  # type: ignore[arg-type]  # NOT NULL fails mid-way
    with pytest.raises(IntegrityError):
        store.add_units("desk", bad)
    assert [u.target for u in store.units("desk")] == [UNITS[0].target]


@pytest.mark.parametrize("name", ["", " lead", "a/b", "x" * 65])
def test_bad_names_are_refused(store, name):
    with pytest.raises(BadInputError):
        store.add_units(name, UNITS)


def test_shares_the_glossary_store_without_touching_its_tables(store_url):
    path = store_url
    glossaries = GlossaryStore(path)
    version = glossaries.schema_version()
    memories = MemoryStore(path)
    memories.add_units("desk", UNITS)
    assert glossaries.schema_version() == version
    assert glossaries.get("default").entries
    memories.close()
    again = MemoryStore(path)  # migrations are idempotent on reopen
    assert again.get("desk").unit_count == 3
    again.close()
    glossaries.close()


def test_owner_is_recorded_on_create_and_kept_by_later_imports(store):
    assert store.add_units("mine", UNITS[:1], owner="bk_aaaa1111").owner == "bk_aaaa1111"
    assert store.add_units("mine", UNITS[1:], owner="bk_bbbb2222").owner == "bk_aaaa1111"
    assert store.import_file(GOOD_TMX, "shared").owner is None
    assert store.get("mine").owner == "bk_aaaa1111"


@pytest.mark.parametrize(("owners", "expected"), [
    (None, ["a-mine", "b-theirs", "c-shared"]),
    ({"bk_aaaa1111"}, ["a-mine"]),
    ({"bk_aaaa1111", None}, ["a-mine", "c-shared"]),
    ({None}, ["c-shared"]),
    (set(), []),
    ({"bk_nobody"}, []),
])
def test_listing_filters_by_owner(store, owners, expected):
    store.add_units("a-mine", UNITS[:1], owner="bk_aaaa1111")
    store.add_units("b-theirs", UNITS[:1], owner="bk_bbbb2222")
    store.add_units("c-shared", UNITS[:1])
    assert [m.name for m in store.list_memories(owners=owners)] == expected


def test_concurrent_imports_into_one_memory_lose_no_unit(store):
    import threading

    def worker(n: int) -> None:
        store.add_units("desk", [MemoryUnit("en", "ja", f"Sentence {n}-{i}.", f"文{n}-{i}") for i in range(5)])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.get("desk").unit_count == 40
