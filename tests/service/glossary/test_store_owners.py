"""Owners in the glossary store (service.storage.tenancy), on both backends: shared data from before owners
existed, own plus shared reads, another tenant's glossary not found, names unique per owner, roles."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import text

from service.errors import ConflictError, ForbiddenError, GlossaryNotFoundError
from service.glossary.model import GlossaryEntry
from service.glossary.store import GlossaryStore
from service.glossary.store_schema import MIGRATIONS
from service.storage.tenancy import ADMIN, EDITOR, READER, SINGLE_USER, Tenant
from tests.service.glossary.helpers import NEWS, PRE_SQLALCHEMY_STORE, snapshot

NEWS_DESK = Tenant("team:news", EDITOR)
SPORTS_DESK = Tenant("team:sports", EDITOR)


def test_glossaries_made_before_owners_existed_are_shared(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copy(PRE_SQLALCHEMY_STORE, path)
    store = GlossaryStore(path)
    assert store.get("desk").owner is None
    assert store.get("desk", tenant=SPORTS_DESK).name == "desk"  # every tenant reads shared data
    with pytest.raises(ForbiddenError):
        store.add_entries("desk", NEWS[:1], tenant=SPORTS_DESK)  # only admins change it
    store.close()


def test_a_store_at_schema_4_gains_owners_keeping_every_glossary(tmp_path):
    from service.glossary.store import MIGRATIONS_TABLE
    from service.storage.db import make_engine, run_migrations

    path = tmp_path / "v4.sqlite3"
    engine = make_engine(path)
    run_migrations(engine, MIGRATIONS_TABLE, MIGRATIONS[:4])
    engine.dispose()
    store = GlossaryStore(path)
    assert store.schema_version() == len(MIGRATIONS)
    assert store.get("default").owner is None
    assert store.get("default").entries
    store.close()


def test_a_tenant_creates_its_own_and_reads_own_plus_shared(store):
    mine = store.create("bridges", NEWS[:1], tenant=NEWS_DESK)
    assert mine.owner == "team:news"
    assert {i.name for i in store.list_glossaries(tenant=NEWS_DESK)} == {"default", "news", "bridges"}
    assert {i.name for i in store.list_glossaries(tenant=SPORTS_DESK)} == {"default", "news"}
    assert {(i.name, i.owner) for i in store.list_glossaries()} >= {("bridges", "team:news"), ("news", None)}


@pytest.mark.parametrize("ref", ["name", "id"])
@pytest.mark.parametrize("call", [
    lambda s, r, t: s.get(r, tenant=t),
    lambda s, r, t: s.add_entries(r, NEWS[1:2], tenant=t),
    lambda s, r, t: s.delete_entries(r, ["Lloyd Austin"], tenant=t),
    lambda s, r, t: s.delete(r, tenant=t),
], ids=["get", "add", "delete-entries", "delete"])
def test_another_tenants_glossary_is_not_found(store, call, ref):
    mine = store.create("bridges", NEWS[:1], tenant=NEWS_DESK)
    before = snapshot(store)
    with pytest.raises(GlossaryNotFoundError, match="no glossary named"):
        call(store, mine.name if ref == "name" else mine.id, SPORTS_DESK)
    assert snapshot(store) == before


def test_names_are_unique_per_owner_and_versions_counted_per_owner(store):
    news = store.create("bridges", NEWS[:1], tenant=NEWS_DESK)
    store.add_entries("bridges", NEWS[1:2], tenant=NEWS_DESK)
    sports = store.create("Bridges", NEWS[1:2], tenant=SPORTS_DESK)
    assert news.id != sports.id
    assert store.get("bridges", tenant=NEWS_DESK).entries == tuple(NEWS[:2])
    assert store.get("BRIDGES", tenant=SPORTS_DESK).entries == (NEWS[1],)
    assert sports.version == news.version == 1  # news's glossary of the name shows nowhere in sports's
    with pytest.raises(ConflictError):
        store.create("bridges", NEWS[:1], tenant=NEWS_DESK)
    replaced = store.create("bridges", NEWS[2:], replace=True, tenant=SPORTS_DESK)
    assert replaced.id == sports.id
    assert (replaced.owner, replaced.version) == ("team:sports", 2)
    assert store.get("bridges", tenant=NEWS_DESK).entries == tuple(NEWS[:2])


def test_a_glossary_given_to_another_owner_goes_on_counting_its_versions(store):
    bridges = store.create("bridges", NEWS[:1])
    store.add_entries("bridges", NEWS[1:2])
    moved = store.set_owner(bridges.id, "team:news")
    assert moved.version == bridges.version + 2  # id@version (caches) never names two contents
    assert store.add_entries("bridges", NEWS[2:], tenant=NEWS_DESK).version == moved.version + 1


def test_a_store_from_before_per_owner_versions_repeats_no_version(tmp_path):
    """Before, versions were counted per bare name across owners: a team's glossary at version 2 whose name
    had reached 5 (others' glossaries, deleted ones). Its own versions go on from 5; a new name starts at 1."""
    from service.glossary.store import MIGRATIONS_TABLE
    from service.storage.db import make_engine, run_migrations

    path = tmp_path / "before.sqlite3"
    engine = make_engine(path)
    run_migrations(engine, MIGRATIONS_TABLE, MIGRATIONS[:-1])  # the last one counts versions per owner
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO glossaries (id, name, name_key, owner, description, source_lang, version, "
                          "created_at, updated_at) VALUES ('g1', 'bridges', 'team:news/bridges', 'team:news', '', "
                          "'en', 2, '2026-01-01', '2026-01-01')"))
        conn.execute(text("INSERT INTO glossary_names (name_key, last_version) VALUES ('bridges', 5)"))
    engine.dispose()
    store = GlossaryStore(path)
    assert store.schema_version() == len(MIGRATIONS)
    assert store.add_entries("bridges", NEWS[:1], tenant=NEWS_DESK).version == 6
    assert store.create("bridges", NEWS[:1], tenant=SPORTS_DESK).version == 1
    assert store.create("piers", NEWS[:1], tenant=NEWS_DESK).version == 1
    store.close()


def test_a_tenant_cannot_take_a_shared_name(store):
    with pytest.raises(ConflictError):
        store.create("news", NEWS[:1], tenant=NEWS_DESK)


def test_own_name_comes_before_a_shared_one(store):
    store.create("bridges", NEWS[:1], tenant=NEWS_DESK)
    store.create("bridges", NEWS[1:2])  # the operator's shared glossary of the same name, made later
    assert store.get("bridges", tenant=NEWS_DESK).owner == "team:news"
    assert store.get("bridges", tenant=SPORTS_DESK).owner is None


@pytest.mark.parametrize("role", [READER, EDITOR])
def test_only_admins_change_shared_glossaries_and_readers_nothing(store, role):
    tenant = Tenant("team:news", role)
    with pytest.raises(ForbiddenError):
        store.add_entries("news", NEWS[:1], tenant=tenant)
    with pytest.raises(ForbiddenError):
        store.delete("news", tenant=tenant)
    assert store.add_entries("news", [GlossaryEntry("Seoul", {"ko": "서울"})],
                             tenant=Tenant("team:news", ADMIN)).owner is None


def test_a_reader_creates_nothing(store):
    with pytest.raises(ForbiddenError):
        store.create("mine", NEWS[:1], tenant=Tenant("team:news", READER))
    assert "mine" not in {i.name for i in store.list_glossaries()}


def test_the_operator_names_a_teams_glossary_when_the_name_is_unambiguous(store):
    store.create("bridges", NEWS[:1], tenant=NEWS_DESK)
    assert store.get("bridges").owner == "team:news"
    store.create("bridges", NEWS[1:2], tenant=SPORTS_DESK)
    with pytest.raises(ConflictError, match="by its id"):
        store.get("bridges")


def test_single_user_mode_works_on_shared_glossaries_only(store):
    store.create("bridges", NEWS[:1], tenant=NEWS_DESK)
    assert store.create("house", NEWS[:1], tenant=SINGLE_USER).owner is None
    assert {i.name for i in store.list_glossaries(tenant=SINGLE_USER)} == {"default", "news", "house"}
