"""``store migrate|check|export|import``: a whole store (glossaries, keys, memories, stored briefs) moves
from SQLite to PostgreSQL and back."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from service.glossary.model import GlossaryEntry
from service.glossary.store import GlossaryStore
from service.memory.files import MemoryUnit
from service.memory.schema import MIGRATIONS as MEMORY_MIGRATIONS
from service.memory.store import MemoryStore
from service.storage.keys import SCHEMA_VERSION as KEY_SCHEMA_VERSION
from service.storage.keys import KeyStore
from service.storage.tenancy import Tenant
from tests.service.memory.helpers import make_old_store

PRE_SQLALCHEMY_STORE = Path(__file__).resolve().parents[2] / "data" / "stores" / "pre_sqlalchemy.sqlite3"
LEGACY_SECRET = "bk_d1ef1b56.hCwGqbKl3Pz-z3cl1WNXE9otyWJAadCB"


@pytest.fixture
def sqlite_store(tmp_path) -> str:
    """A store file made by the pre-SQLAlchemy code (glossaries, keys, a memory and a stored brief with an
    edit), with one more glossary, key, owned memory and owned, edited stored brief added now."""
    path = tmp_path / "old.sqlite3"
    shutil.copy(PRE_SQLALCHEMY_STORE, path)
    make_old_store(path, with_briefs=True)
    url = f"sqlite:///{path}"
    glossaries = GlossaryStore(url)
    glossaries.create("wire", [GlossaryEntry("Alder Bay", {"ja": "アルダー湾", "ko": "올더 만"}, type="place",
                                             aliases=("the bay",), notes="harbour town")])
    glossaries.close()
    KeyStore(url).create("second", char_quota=10)
    memories = MemoryStore(url)
    team = Tenant("team:wire")
    memories.add_units("wire-desk", [MemoryUnit("en", "ko", "The bay froze.", "만이 얼었다.", "wire.tmx#3")],
                       tenant=team)
    bid = memories.briefs.save(memories.briefs.get("b1").brief, tenant=team)
    memories.briefs.edit(bid, "s1", "ja", "フェリー再開。", memory="wire-desk", tenant=team)
    memories.close()
    return url


def _everything(url: str) -> tuple:
    glossaries, keys, memories = GlossaryStore(url), KeyStore(url), MemoryStore(url)
    try:
        stored = {info.name: glossaries.get(info.name) for info in glossaries.list_glossaries()}
        listed = keys.list()
        usage = {k.id: keys.usage(k.id, "2026-11-30") for k in listed}
        tms = {info.name: (info, memories.units(info.name)) for info in memories.list_memories()}
        briefs = {info.id: (info, memories.briefs.get(info.id)) for info in memories.briefs.list_briefs()}
        return stored, listed, usage, tms, briefs
    finally:
        glossaries.close()
        keys.close()
        memories.close()


def test_sqlite_to_postgresql_and_back_round_trips_every_glossary_key_memory_and_brief(run_cli, sqlite_store,
                                                                                       postgres_url, tmp_path):
    export = tmp_path / "store.json"
    code, out, err = run_cli("store", "export", str(export), "--url", sqlite_store)
    assert code == 0, err
    assert "glossary_entries" in out
    assert "tm_units: 4 rows" in out
    assert "stored_brief_edits: 2 rows" in out
    code, out, err = run_cli("store", "import", str(export), "--url", postgres_url)
    assert code == 0, err
    assert "skipped" not in out
    everything = _everything(postgres_url)
    assert everything == _everything(sqlite_store)
    _, _, _, tms, briefs = everything
    assert {name: (info.owner, info.unit_count) for name, (info, _) in tms.items()} == {
        "Desk": (None, 2), "wire-desk": ("team:wire", 2)}
    assert sorted((info.owner or "", info.version, len(b.history)) for info, b in briefs.values()) == [
        ("", 2, 1), ("team:wire", 2, 1)]
    assert KeyStore(postgres_url).verify(LEGACY_SECRET).name == "legacy"
    assert GlossaryStore(postgres_url).add_entries("wire", [GlossaryEntry("Seoul", {"ko": "서울"})]).version > 1
    moved = MemoryStore(postgres_url)  # the moved store keeps working: reuse, edits, new units
    assert moved.exact("en", "ko", ["The bay froze."])["The bay froze."].memory == "wire-desk"
    assert moved.briefs.edit("b1", "s1", "ja", "再開。").version == 3
    moved.close()

    back = tmp_path / "back.json"
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert run_cli("store", "export", str(back), "--url", postgres_url)[0] == 0
    assert run_cli("store", "import", str(back), "--url", fresh)[0] == 0
    assert _everything(fresh) == _everything(postgres_url)


def test_check_and_migrate_report_versions_and_rows(run_cli, sqlite_store):
    code, out, _ = run_cli("store", "migrate", "--url", sqlite_store, "--json")
    report = json.loads(out)
    assert code == 0
    assert report["backend"] == "sqlite"
    assert report["versions"]["glossaries"] >= 4
    assert report["versions"]["api_keys"] == KEY_SCHEMA_VERSION
    assert report["versions"]["memories"] == len(MEMORY_MIGRATIONS)
    assert report["rows"]["glossaries"] == 3
    assert report["rows"]["api_keys"] == 2
    assert report["rows"]["tm_memories"] == 2
    assert report["rows"]["stored_briefs"] == 2
    assert "tm_schema_version" not in report["rows"]
    code, out, _ = run_cli("store", "check", "--url", sqlite_store)
    assert code == 0
    assert out.startswith("reachable: sqlite store")


def test_check_of_an_unreachable_database_says_so_with_exit_3(run_cli):
    code, _, err = run_cli("store", "check", "--url", "postgresql://briefs@127.0.0.1:9/none")
    assert code == 3
    assert "cannot be reached" in err


@pytest.mark.parametrize(("content", "message"), [
    (b"not json", "not JSON"),
    (b'{"format": "something-else", "tables": {}}', "not a store export"),
    (b'{"format": "briefs-store-export", "version": 99, "tables": {}}', "version 99"),
    (b'{"format": "briefs-store-export", "version": 1, "tables": {"glossaries": [{"colour": "red"}]}}',
     "columns this store lacks: colour"),
])
def test_a_bad_export_is_refused_and_changes_nothing(run_cli, sqlite_store, tmp_path, content, message):
    before = _everything(sqlite_store)
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    code, _, err = run_cli("store", "import", str(bad), "--url", sqlite_store)
    assert code == 2
    assert message in err
    assert _everything(sqlite_store) == before


def test_importing_a_missing_file_is_a_clear_error(run_cli, tmp_path):
    code, _, err = run_cli("store", "import", str(tmp_path / "nope.json"))
    assert code == 2
    assert "no such export file" in err
