"""MemoryStore on both backends (SQLite and PostgreSQL): import in one transaction, list, export, delete,
exact and fuzzy lookups, owners; forward migration of old SQLite files is in test_schema.py."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from service.errors import BadInputError, ForbiddenError
from service.exports.common import ExchangeFileError
from service.glossary.store import GlossaryStore
from service.memory.files import MemoryUnit, read_memory_file
from service.memory.store import MemoryNotFoundError, MemoryStore
from service.storage.tenancy import OPERATOR, SINGLE_USER, Tenant

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
    assert 0.75 <= match.score < 1
    assert match.target == UNITS[0].target
    assert match.memory == "desk"
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


MINE, THEIRS = Tenant("team:desk"), Tenant("key:bk_bbbb2222")
READER = Tenant("team:desk", role="reader")


def test_owner_is_the_creating_tenants_scope_and_kept_by_later_imports(store):
    assert store.add_units("mine", UNITS[:1], tenant=MINE).owner == "team:desk"
    assert store.add_units("mine", UNITS[1:], tenant=MINE).owner == "team:desk"
    assert store.import_file(GOOD_TMX, "shared").owner is None, "the operator (CLI) makes shared memories"
    assert store.get("mine").owner == "team:desk", "the operator names an owned memory when it is unambiguous"
    assert store.get("mine", tenant=MINE).unit_count == 3
    assert store.add_units("mine", UNITS[:1]).owner is None, "the operator's import by name makes a shared one"
    assert store.get("mine", tenant=MINE).unit_count == 3


@pytest.mark.parametrize(("tenant", "expected"), [
    (OPERATOR, [("a", "team:desk"), ("b", "key:bk_bbbb2222"), ("c", None)]),
    (MINE, [("a", "team:desk"), ("c", None)]),
    (THEIRS, [("b", "key:bk_bbbb2222"), ("c", None)]),
    (SINGLE_USER, [("c", None)]),
])
def test_listing_shows_what_the_tenant_may_read(store, tenant, expected):
    store.add_units("a", UNITS[:1], tenant=MINE)
    store.add_units("b", UNITS[:1], tenant=THEIRS)
    store.add_units("c", UNITS[:1])
    assert [(m.name, m.owner) for m in store.list_memories(tenant=tenant)] == expected


def test_two_tenants_may_use_one_name_and_see_their_own_first(store):
    store.add_units("desk", UNITS, tenant=MINE)
    store.add_units("desk", UNITS[2:], tenant=THEIRS)
    store.add_units("desk", UNITS[:2], tenant=SINGLE_USER)  # single-user mode sees neither: a shared one
    assert store.get("desk", tenant=MINE).unit_count == 3
    assert store.get("desk", tenant=THEIRS).unit_count == 1
    assert store.get("desk", tenant=SINGLE_USER).unit_count == 2
    assert store.get("desk").owner is None
    store.delete("desk", tenant=THEIRS)
    assert store.get("desk", tenant=THEIRS).owner is None, "then the shared one is what the name means"
    with pytest.raises(ForbiddenError):
        store.add_units("desk", UNITS, tenant=THEIRS)  # visible but shared: only an admin changes it


@pytest.mark.parametrize("action", ["get", "units", "export", "delete", "import"])
def test_another_tenants_memory_is_not_found(store, action):
    store.add_units("private", UNITS, tenant=MINE)
    calls = {"get": lambda: store.get("private", tenant=THEIRS),
             "units": lambda: store.units("private", tenant=THEIRS),
             "export": lambda: store.export_tmx("private", tenant=THEIRS),
             "delete": lambda: store.delete("private", tenant=THEIRS)}
    if action == "import":  # a name another tenant uses is free: a memory of its own
        assert store.import_file(GOOD_TMX, "private", tenant=THEIRS).unit_count == 1
    else:
        with pytest.raises(MemoryNotFoundError):
            calls[action]()
    assert store.get("private", tenant=MINE).unit_count == 3


@pytest.mark.parametrize(("tenant", "owner"), [(READER, "team:desk"), (READER, None), (MINE, None)])
def test_a_visible_memory_the_tenant_may_not_change_is_forbidden(store, tenant, owner):
    store.add_units("desk", UNITS[:1], tenant=Tenant(owner) if owner else OPERATOR)
    for change in (lambda: store.add_units("desk", UNITS, tenant=tenant), lambda: store.delete("desk", tenant=tenant)):
        with pytest.raises(ForbiddenError):
            change()
    assert store.get("desk", tenant=tenant).unit_count == 1


def test_a_reader_creates_nothing(store):
    with pytest.raises(ForbiddenError):
        store.add_units("new", UNITS, tenant=READER)
    assert store.list_memories() == []


def test_reuse_sees_only_what_the_tenant_may_read(store):
    store.add_units("theirs", UNITS[:1], tenant=THEIRS)
    source = UNITS[0].source
    assert store.has_pair("en", "ja")
    assert store.exact("en", "ja", [source])
    assert not store.has_pair("en", "ja", tenant=MINE)
    assert store.exact("en", "ja", [source], tenant=MINE) == {}
    assert store.fuzzy("en", "ja", source.replace("Monday", "Tuesday"), 0.75, tenant=MINE) == []
    assert store.fuzzy("en", "ja", source.replace("Monday", "Tuesday"), 0.75, tenant=THEIRS)


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
