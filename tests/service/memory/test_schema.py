"""Store files made by the pre-SQLAlchemy memory code (plain sqlite3) migrate forward without loss."""
from __future__ import annotations

import sqlite3

import pytest

from service.memory.schema import MIGRATIONS, MIGRATIONS_TABLE
from service.memory.store import MemoryStore
from service.storage.tenancy import Tenant
from tests.service.memory.helpers import BRIEF, STAMP, make_old_store


@pytest.mark.parametrize("with_briefs", [True, False], ids=["with-stored-briefs", "memories-only"])
def test_an_old_sqlite3_store_opens_with_all_its_data_and_owner_none(tmp_path, with_briefs):
    path = tmp_path / "old.sqlite3"
    make_old_store(path, with_briefs=with_briefs)
    store = MemoryStore(path)
    info = store.get("desk")
    assert (info.name, info.unit_count, info.pairs, info.owner) == ("Desk", 2, ("en-ja", "en-ko"), None)
    assert (info.created_at, info.updated_at) == (STAMP, STAMP)
    assert store.exact("en", "ko", ["Ferries  resumed."])["Ferries resumed."].target == "페리가 재개됐다."
    assert store.schema_version() == len(MIGRATIONS)
    if with_briefs:
        stored = store.briefs.get("b1")
        assert (stored.version, stored.owner, stored.created_at) == (2, None, STAMP)
        assert stored.brief.to_dict() == BRIEF.to_dict()
        assert [(e.previous, e.text) for e in stored.history] == [("モデル訳", "ポート・アルダーでフェリー再開。")]
        assert store.briefs.edit("b1", "s1", "ja", "フェリー再開。").version == 3
    # The migrated file keeps working: new data with owners, and a reopen applies nothing twice.
    team = Tenant("team:desk")
    assert store.add_units("mine", [], tenant=team).owner == "team:desk"
    assert store.get("desk", tenant=team).owner is None, "old memories are shared"
    assert store.briefs.get(store.briefs.save(BRIEF, tenant=team)).owner == "team:desk"
    store.close()
    again = MemoryStore(path)
    assert again.get("desk").unit_count == 2
    assert again.schema_version() == len(MIGRATIONS)
    again.close()
    conn = sqlite3.connect(path)
    versions = [row[0] for row in conn.execute(f"SELECT version FROM {MIGRATIONS_TABLE} ORDER BY version")]
    conn.close()
    assert versions == list(range(1, len(MIGRATIONS) + 1))


def test_a_store_newer_than_the_service_is_refused(tmp_path):
    path = tmp_path / "new.sqlite3"
    MemoryStore(path).list_memories()
    conn = sqlite3.connect(path)
    conn.execute(f"INSERT INTO {MIGRATIONS_TABLE} (version) VALUES (?)", (len(MIGRATIONS) + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(RuntimeError, match="newer than this service"):
        MemoryStore(path).list_memories()


def test_migration_5_fills_the_listing_of_briefs_stored_before(tmp_path):
    path = tmp_path / "old.sqlite3"
    make_old_store(path, with_briefs=True)
    store = MemoryStore(path)
    [info] = store.briefs.list_briefs()
    assert (info.id, info.listing.title, info.listing.target_langs) == ("b1", "Ferries resumed at Port Alder.", ("ja",))
    assert (info.listing.segments, info.listing.translations, info.listing.translations_confirmed) == (1, 1, 0)
    store.close()
