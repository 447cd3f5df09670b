"""The glossary store on both backends (SQLite and PostgreSQL): migrations, transactions, precedence,
versions, threads; SQLite-only checks (WAL, lazy file, forward migration of old files) say so."""
from __future__ import annotations

import shutil
import sqlite3
import threading

import pytest

from service.errors import (
    BadInputError,
    ConflictError,
    GlossaryFormatError,
    GlossaryNotFoundError,
    NotFoundError,
)
from service.glossary.formats import serialise_glossary
from service.glossary.model import GlossaryEntry
from service.glossary.store import GlossaryStore
from service.glossary.store_schema import MIGRATIONS, load_default_entries
from tests.service.glossary.helpers import NEWS, PRE_SQLALCHEMY_STORE, snapshot


def test_store_file_is_created_lazily(tmp_path):
    path = tmp_path / "later" / "store.sqlite3"
    store = GlossaryStore(path)
    assert not path.parent.exists()
    store.list_glossaries()
    assert path.is_file()
    store.close()


def test_schema_is_migrated_once_and_default_seeded(store_url):
    path = store_url
    first = GlossaryStore(path)
    default = first.get("default")
    assert first.schema_version() == len(MIGRATIONS)
    assert list(default.entries) == load_default_entries()
    first.close()
    again = GlossaryStore(path)
    assert again.get("default").version == default.version
    assert again.get("default").id == default.id
    again.close()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    store = GlossaryStore(tmp_path / "w.sqlite3")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()


def test_a_store_file_made_before_sqlalchemy_opens_with_all_its_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copy(PRE_SQLALCHEMY_STORE, path)
    store = GlossaryStore(path)
    desk = store.get("desk")
    assert [e.source for e in desk.entries] == ["Harold Quimby", "Port Alder", "Alder Bay"]
    assert desk.entries[0].aliases == ("Quimby",)
    assert desk.entries[0].type == "person"
    assert desk.version == 2
    assert desk.description == "made by the pre-SQLAlchemy store"
    assert store.schema_version() == len(MIGRATIONS)
    assert store.add_entries("desk", [GlossaryEntry("Seoul", {"ko": "서울"})]).version == 3
    assert len(store.get("default").entries) >= 150
    store.close()


def test_create_and_get_by_name_or_id(store):
    news = store.get("news")
    assert news.entries == tuple(NEWS)
    assert news.description == "newsroom terms"
    assert len(news.id) == 32
    assert store.get(news.id) == news
    assert store.get("NEWS").id == news.id


def test_list_glossaries(store):
    infos = {info.name: info for info in store.list_glossaries()}
    assert set(infos) == {"default", "news"}
    assert infos["news"].entry_count == 3
    assert infos["news"].languages == ("ja", "ko")
    assert infos["news"].version == 1
    assert infos["default"].entry_count >= 150


def test_get_unknown_raises(store):
    with pytest.raises(GlossaryNotFoundError):
        store.get("nope")


def test_create_conflict_and_replace(store):
    original = store.get("news")
    with pytest.raises(ConflictError):
        store.create("News", NEWS[:1])
    replaced = store.create("news", NEWS[:1], replace=True)
    assert replaced.id == original.id
    assert replaced.version == original.version + 1
    assert replaced.entries == (NEWS[0],)


@pytest.mark.parametrize("name", ["", " ", "a/b", "x" * 65, " lead", "trail ", "tab\tname", "日本", "a;drop"])
def test_bad_names_are_refused(store, name):
    with pytest.raises(BadInputError):
        store.create(name, NEWS)


@pytest.mark.parametrize("name", ["a", "my glossary", "team_1.v2-final", "x" * 64])
def test_good_names_are_accepted(store, name):
    assert store.create(name, NEWS).name == name


def test_inline_name_is_reserved(store):
    with pytest.raises(BadInputError, match="reserved"):
        store.create("inline", NEWS)


def test_add_entries_upserts_case_insensitively(store):
    updated = store.add_entries("news", [GlossaryEntry("tokyo", {"ja": "東京"}, type="place"),
                                         GlossaryEntry("Seoul", {"ko": "서울"}, type="place")])
    assert [e.source for e in updated.entries] == ["Lloyd Austin", "tokyo", "ICBM", "Seoul"]
    assert updated.entries[1].renderings == {"ja": "東京"}
    assert updated.version == 2


def test_delete_entries(store):
    updated = store.delete_entries("news", ["TOKYO", "icbm"])
    assert [e.source for e in updated.entries] == ["Lloyd Austin"]


def test_delete_missing_entry_changes_nothing(store):
    before = snapshot(store)
    with pytest.raises(NotFoundError):
        store.delete_entries("news", ["Tokyo", "Atlantis"])
    assert snapshot(store) == before


def test_conflicting_alias_changes_nothing(store):
    before = snapshot(store)
    with pytest.raises(BadInputError, match="Austin"):
        store.add_entries("news", [GlossaryEntry("Austin, Texas", {"ja": "オースティン"}, aliases=("Austin",))])
    assert snapshot(store) == before


@pytest.mark.parametrize("entry", [
    GlossaryEntry("Tokyo ", {"ja": "東京"}),
    GlossaryEntry("Tokyo", {"ja": ""}),
    GlossaryEntry("Tokyo", {"xx": "東京"}),
    GlossaryEntry("Tokyo", {}),
    GlossaryEntry("Tokyo", {"ja": "東\n京"}),
    GlossaryEntry("Tokyo", {"ja": "東京"}, aliases=("a|b",)),
])
def test_bad_entries_are_refused(store, entry):
    with pytest.raises(BadInputError):
        store.create("bad", [entry])


def test_delete_glossary(store):
    store.delete("news")
    with pytest.raises(GlossaryNotFoundError):
        store.get("news")
    assert [i.name for i in store.list_glossaries()] == ["default"]


def test_default_cannot_be_deleted_but_can_be_reset(store):
    with pytest.raises(BadInputError):
        store.delete("default")
    store.delete_entries("default", ["Tokyo"])
    reseeded = store.reset_default()
    assert list(reseeded.entries) == load_default_entries()
    assert store.get("news").entries == tuple(NEWS)


def test_a_read_sees_one_version_while_another_writer_commits(store, store_url, monkeypatch):
    """The row and its entries come from one snapshot: an edit committed between reading the version and
    reading the entries is not half seen (PostgreSQL reads each statement afresh unless told otherwise)."""
    before = store.get("news")
    other = GlossaryStore(store_url)  # another worker, its own connections
    load = GlossaryStore._load

    def edit_meanwhile(conn, row):
        monkeypatch.setattr(GlossaryStore, "_load", staticmethod(load))  # once
        other.add_entries("news", [GlossaryEntry("Seoul", {"ko": "서울"})])
        return load(conn, row)

    store._cache.clear()
    monkeypatch.setattr(GlossaryStore, "_load", staticmethod(edit_meanwhile))
    read = store.get("news")
    assert (read.version, read.entries) == (before.version, before.entries)
    after = store.get("news")
    assert (after.version, len(after.entries)) == (before.version + 1, len(before.entries) + 1)
    other.close()


def test_versions_grow_and_never_repeat_for_a_name(store):
    versions = [store.get("news").version]
    versions.append(store.add_entries("news", [GlossaryEntry("Seoul", {"ko": "서울"})]).version)
    versions.append(store.delete_entries("news", ["Seoul"]).version)
    versions.append(store.create("news", NEWS, replace=True).version)
    store.delete("news")
    versions.append(store.create("news", NEWS).version)
    assert versions == sorted(set(versions))


def test_resolve_precedence(store):
    store.create("team", [GlossaryEntry("Tokyo", {"ja": "トーキョー"})])
    inline = [GlossaryEntry("Tokyo", {"ja": "東京"})]
    active = store.resolve(["team", "news"], inline)
    assert [g.name for g in active.layers] == ["inline", "team", "news", "default", "cldr"]
    assert active.layers[0].entries == tuple(inline)


def test_resolve_does_not_repeat_default(store):
    assert [g.name for g in store.resolve(["default", "news"]).layers] == ["default", "news", "cldr"]
    assert [g.name for g in store.resolve([]).layers] == ["default", "cldr"]


def test_resolve_unknown_name_raises(store):
    with pytest.raises(GlossaryNotFoundError):
        store.resolve(["news", "missing"])


def test_inline_layers_with_different_entries_have_different_keys(store):
    one = store.resolve([], [GlossaryEntry("Tokyo", {"ja": "東京"})])
    two = store.resolve([], [GlossaryEntry("Tokyo", {"ja": "トウキョウ"})])
    assert one.key() != two.key()


def test_key_changes_when_a_glossary_changes(store):
    before = store.resolve(["news"]).key()
    store.add_entries("news", [GlossaryEntry("Seoul", {"ko": "서울"})])
    assert store.resolve(["news"]).key() != before


GOOD_FILES = [
    ("tsv", "ja", "Tokyo\t東京\nOsaka\t大阪\n"),
    ("csv", "ja", "Tokyo,東京\nOsaka,大阪\n"),
]


@pytest.mark.parametrize(("fmt", "target", "text"), GOOD_FILES)
def test_import_pair_file(store, tmp_path, fmt, target, text):
    path = tmp_path / f"cities.{fmt}"
    path.write_text(text, encoding="utf-8")
    glossary = store.import_file(path, name="cities", target_lang=target)
    assert [(e.source, e.renderings) for e in glossary.entries] == [("Tokyo", {"ja": "東京"}),
                                                                    ("Osaka", {"ja": "大阪"})]


def test_import_existing_name_needs_replace(store):
    with pytest.raises(ConflictError):
        store.import_file(b"Tokyo\t\xe6\x9d\xb1\n", name="news", fmt="tsv", target_lang="ja")


def test_import_missing_file(store, tmp_path):
    with pytest.raises(BadInputError, match="no such glossary file"):
        store.import_file(tmp_path / "nope.tsv", name="x")


BAD_IMPORTS = [
    ("tsv", "ja", "Tokyo\t東京\nOsaka\n".encode(), 2),
    ("tsv", "ja", b"Tokyo\t\xe6\x9d\xb1\n\xff\t\xe6\x9d\xb1\n", 2),
    ("tsv", None, "source\ttype\tja\nTokyo\tplace\t東京\nTokyo\tplace\t東京\n".encode(), 3),
    ("csv", "ja", "Tokyo,東京\nOsaka,\n".encode(), 2),
    ("csv", "ja", "Tokyo,東京,en,ja\nOsaka,大阪,en,qq\n".encode(), 2),
    ("tbx", None, b'<?xml version="1.0"?>\n<martif><text><body>\n<termEntry>\n</body></text></martif>', 4),
    ("tbx", None, (b'<?xml version="1.0"?>\n<martif><text><body>\n<termEntry><langSet xml:lang="en"><tig>'
                   b"<term>Tokyo</term></tig></langSet></termEntry>\n</body></text></martif>"), 3),
]


@pytest.mark.parametrize(("fmt", "target", "data", "line"), BAD_IMPORTS)
@pytest.mark.parametrize("name", ["news", "fresh"])
def test_failed_import_changes_nothing(store, fmt, target, data, line, name):
    before = snapshot(store)
    with pytest.raises(GlossaryFormatError) as caught:
        store.import_file(data, name=name, fmt=fmt, target_lang=target, replace=True)
    assert caught.value.line == line
    assert snapshot(store) == before


def test_tsv_to_store_to_tbx_to_store_round_trips(store, tmp_path):
    source = tmp_path / "news.tsv"
    source.write_bytes(serialise_glossary(NEWS, "tsv"))
    first = store.import_file(source, name="from-tsv")
    tbx = tmp_path / "news.tbx"
    tbx.write_bytes(store.export("from-tsv", "tbx"))
    second = store.import_file(tbx, name="from-tbx")
    assert first.entries == second.entries == tuple(NEWS)
    assert store.export("from-tsv", "tsv") == store.export("from-tbx", "tsv") == source.read_bytes()


def test_default_round_trips_through_tbx(store):
    default = store.get("default")
    copy = store.import_file(store.export("default", "tbx"), name="copy", fmt="tbx")
    assert copy.entries == default.entries


def test_export_pairs_for_one_language(store):
    assert store.export("news", "tsv", target_lang="ko").decode() == (
        "Lloyd Austin\t로이드 오스틴\nTokyo\t도쿄도\nICBM\t대륙간탄도미사일\n")


def test_export_missing_language_is_refused(store):
    with pytest.raises(BadInputError, match="no 'fr'"):
        store.export("news", "csv", target_lang="fr")


def test_concurrent_writers_do_not_corrupt(store_url):
    path = store_url
    stores = [GlossaryStore(path) for _ in range(2)]  # two connections, as two processes would have
    stores[0].create("shared", [GlossaryEntry("seed", {"ja": "種"})])
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            for i in range(10):
                entry = GlossaryEntry(f"term {worker}-{i}", {"ja": f"用語{worker}-{i}"})
                stores[worker % 2].add_entries("shared", [entry])
                stores[(worker + 1) % 2].get("shared")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    final = stores[0].get("shared")
    assert len(final.entries) == 1 + 4 * 10
    assert final.version == 1 + 4 * 10
    if stores[0].path is not None:
        with stores[0].engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    for s in stores:
        s.close()


def test_an_upgraded_default_glossary_reaches_an_existing_store(tmp_path):
    import sqlite3

    from service.glossary.model import GlossaryEntry
    from service.glossary.store import GlossaryStore

    path = tmp_path / "old.sqlite3"
    store = GlossaryStore(path)
    before = store.get("default")
    store.create("desk", [GlossaryEntry("Harold Quimby", {"ja": "クインビー"}, type="person")])
    store.close()
    with sqlite3.connect(path) as conn:  # as a store seeded by an older release would look
        conn.execute("DELETE FROM glossary_entries WHERE source = 'Taiwan'")
        conn.execute("UPDATE store_meta SET meta_value = 'older-release'")
    reopened = GlossaryStore(path)
    after = reopened.get("default")
    assert "Taiwan" in {e.source for e in after.entries}
    assert len(after.entries) == len(before.entries)
    assert after.version > before.version
    assert after.id == before.id
    assert [e.source for e in reopened.get("desk").entries] == ["Harold Quimby"]
    version = after.version
    reopened.close()
    assert GlossaryStore(path).get("default").version == version  # unchanged data: no rewrite


def test_two_entries_with_one_source_are_refused_and_change_nothing(store):
    before = snapshot(store)
    with pytest.raises(BadInputError, match="duplicate source 'Tokyo'"):
        store.create("news", [NEWS[1], NEWS[1]], replace=True)
    assert snapshot(store) == before


def test_a_failed_migration_keeps_the_earlier_ones_and_no_connection(tmp_path, monkeypatch):
    import service.glossary.store as store_module

    def broken(conn):
        conn.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("migration failed")

    path = tmp_path / "m.sqlite3"
    monkeypatch.setattr(store_module, "MIGRATIONS", (*MIGRATIONS, broken))
    store = GlossaryStore(path)
    with pytest.raises(RuntimeError, match="migration failed"):
        store.list_glossaries()
    assert store._database.current is None
    monkeypatch.undo()
    reopened = GlossaryStore(path)
    assert reopened.schema_version() == len(MIGRATIONS)
    with sqlite3.connect(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    assert "glossaries" in tables
    reopened.close()


@pytest.mark.parametrize("edit", [
    lambda s, v: s.add_entries("news", [GlossaryEntry("Seoul", {"ko": "서울"})], expected_version=v),
    lambda s, v: s.delete_entries("news", ["Tokyo"], expected_version=v),
    lambda s, v: s.create("news", NEWS[:1], replace=True, expected_version=v),
    lambda s, v: s.delete("news", expected_version=v),
], ids=["add", "delete-entries", "replace", "delete"])
def test_an_edit_against_an_old_version_is_a_conflict_and_changes_nothing(store, edit):
    read = store.get("news")
    store.add_entries("news", [GlossaryEntry("Busan", {"ko": "부산"})])  # someone else, on another host
    before = snapshot(store)
    with pytest.raises(ConflictError, match=f"at version {read.version + 1}, not {read.version}") as info:
        edit(store, read.version)
    assert info.value.extra["current_version"] == read.version + 1
    assert snapshot(store) == before
    edit(store, read.version + 1)  # against the current version it goes through


def test_an_expected_version_of_a_missing_glossary_is_a_conflict(store):
    with pytest.raises(ConflictError, match="does not exist"):
        store.create("fresh", NEWS, replace=True, expected_version=1)


def test_concurrent_versioned_edits_never_lose_one(store_url):
    """Editors on several connections each read, then write against what they read: every edit is
    either accepted or refused with 409, and the final glossary holds exactly the accepted ones."""
    stores = [GlossaryStore(store_url) for _ in range(3)]
    stores[0].create("shared", [GlossaryEntry("seed", {"ja": "種"})])
    accepted: list[str] = []

    def editor(worker: int) -> None:
        store = stores[worker % 3]
        for i in range(8):
            source = f"term {worker}-{i}"
            while True:
                version = store.get("shared").version
                try:
                    store.add_entries("shared", [GlossaryEntry(source, {"ja": source})], expected_version=version)
                    accepted.append(source)
                    break
                except ConflictError:
                    continue  # re-read and retry, as a client given 409 would

    threads = [threading.Thread(target=editor, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    final = stores[0].get("shared")
    assert sorted(e.source for e in final.entries) == sorted(["seed", *accepted])
    assert len(accepted) == 32
    assert final.version == 33
    for s in stores:
        s.close()


def test_short_renderings_are_stored_and_an_old_store_gets_the_default_ones(tmp_path, store):
    entry = GlossaryEntry("Miriam Quayle", {"ja": "ミリアム・クエール", "ko": "미리엄 퀘일"}, type="person",
                          short_renderings={"ja": "クエール", "ko": "퀘일"})
    assert store.create("people", [entry]).entries == (entry,)
    assert store.get("people").entries[0].short_renderings == {"ja": "クエール", "ko": "퀘일"}
    path = tmp_path / "old.sqlite3"
    shutil.copy(PRE_SQLALCHEMY_STORE, path)
    old = GlossaryStore(path)
    blinken = next(e for e in old.get("default").entries if e.source == "Antony Blinken")
    assert blinken.short_renderings == {"ja": "ブリンケン", "ko": "블링컨"}
    old.close()
