"""The store's database layer: URLs, migrations shared by workers, 503 while PostgreSQL is down."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import event, text

from service.errors import StoreUnavailableError
from service.glossary.model import GlossaryEntry
from service.glossary.store import GlossaryStore
from service.settings import load_settings
from service.storage.db import MigratedEngine, make_engine, normalise_url, run_migrations, sqlite_path, transaction
from tests.servers import start_postgres


@pytest.mark.parametrize(("given", "url"), [
    ("var/briefs.sqlite3", "sqlite:///var/briefs.sqlite3"),
    ("/abs/s.sqlite3", "sqlite:////abs/s.sqlite3"),
    (":memory:", "sqlite://"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
])
def test_urls_are_normalised(given, url):
    assert normalise_url(given) == url


def test_the_store_url_defaults_to_the_existing_store_path():
    settings = load_settings(overrides={"store_path": "/data/old.sqlite3"}, environ={})
    assert settings.database_url == "sqlite:////data/old.sqlite3"
    assert sqlite_path(settings.database_url).as_posix() == "/data/old.sqlite3"
    chosen = load_settings(environ={"BRIEFS_STORE_URL": "postgresql://briefs@db/briefs"})
    assert chosen.database_url == "postgresql://briefs@db/briefs"


@pytest.mark.parametrize("url", ["mysql://u@h/db", "redis://localhost"])
def test_unsupported_backends_are_refused_clearly(url):
    with pytest.raises(ValueError, match="sqlite:///path or postgresql://"):
        make_engine(url)


def test_migrations_run_once_and_a_newer_store_is_refused(store_url):
    engine = make_engine(store_url)
    calls: list[int] = []

    def first(conn):
        calls.append(1)
        conn.execute(text("CREATE TABLE probe (x INTEGER)"))

    assert run_migrations(engine, "probe_schema", [first]) == 1
    assert run_migrations(engine, "probe_schema", [first]) == 1
    assert calls == [1]
    with transaction(engine, write=True) as conn:
        conn.execute(text("INSERT INTO probe_schema (version) VALUES (7)"))
    with pytest.raises(RuntimeError, match="newer than this service"):
        run_migrations(engine, "probe_schema", [first])
    engine.dispose()


def test_unreachable_postgresql_is_a_503_error_at_first_use():
    store = GlossaryStore("postgresql://briefs@127.0.0.1:9/none")
    with pytest.raises(StoreUnavailableError):
        store.list_glossaries()


def test_postgresql_going_away_is_503_and_the_store_recovers_when_it_returns():
    server = start_postgres()  # a cluster of this test's own, to stop under the store
    try:
        url = server.new_database()
        store = GlossaryStore(url)
        store.create("desk", [GlossaryEntry("Port Alder", {"ja": "ポート・アルダー"})])
        server.stop("fast")  # clients cut off, as when the database host goes away
        with pytest.raises(StoreUnavailableError):
            store.get("desk")
        with pytest.raises(StoreUnavailableError):
            store.add_entries("desk", [GlossaryEntry("Alder Bay", {"ja": "アルダー湾"})])
        server.start()
        assert [e.source for e in store.get("desk").entries] == ["Port Alder"]
        assert store.add_entries("desk", [GlossaryEntry("Alder Bay", {"ja": "アルダー湾"})]).version == 2
        store.close()
    finally:
        try:
            server.stop("immediate")
        finally:
            shutil.rmtree(server.root, ignore_errors=True)


def test_a_migrated_engine_opens_on_first_use_once_and_reopens_after_close(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    calls = []

    def create(conn) -> None:
        calls.append("create")
        conn.execute(text("CREATE TABLE notes (body TEXT)"))

    path = tmp_path / "lazy.sqlite3"
    database = MigratedEngine(normalise_url(path), "notes_schema", [create], label="notes",
                              after_migrations=lambda engine: calls.append("after"))
    assert not path.exists()
    assert database.current is None
    with ThreadPoolExecutor(8) as pool:
        engines = set(pool.map(lambda _: database.get(), range(8)))
    assert len(engines) == 1
    assert calls == ["create", "after"]
    database.close()
    assert database.current is None
    with transaction(database.get()) as conn:  # reopened; the applied migration is not run again
        assert conn.execute(text("SELECT COUNT(*) FROM notes")).scalar_one() == 0
    assert calls == ["create", "after", "after"]


def test_a_failed_migration_leaves_no_engine_and_the_next_call_tries_again(tmp_path):
    attempts = []

    def flaky(conn) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("disk hiccup")
        conn.execute(text("CREATE TABLE notes (body TEXT)"))

    database = MigratedEngine(normalise_url(tmp_path / "f.sqlite3"), "notes_schema", [flaky], label="notes")
    with pytest.raises(RuntimeError, match="disk hiccup"):
        database.get()
    assert database.current is None
    assert database.get() is database.current
    assert len(attempts) == 2


def test_a_full_store_refuses_writes_with_503_logs_it_once_and_heals_when_there_is_room(tmp_path, caplog):
    engine = make_engine(tmp_path / "full.sqlite3")
    room = {"pages": 1_000_000}

    @event.listens_for(engine, "connect")
    def _limit(dbapi_connection, _record):  # a disk with ``pages`` pages of room for this file
        dbapi_connection.execute(f"PRAGMA max_page_count = {room['pages']}")

    with transaction(engine, write=True) as conn:
        conn.execute(text("CREATE TABLE t (x TEXT)"))
    room["pages"] = 1
    engine.dispose()  # the disk fills up under the running service

    def write() -> None:
        with transaction(engine, write=True) as conn:
            conn.execute(text("INSERT INTO t VALUES (:x)"), {"x": "x" * 100_000})

    caplog.set_level("WARNING", logger="service.storage.db")
    for _ in range(3):
        with pytest.raises(StoreUnavailableError, match="disk is full") as caught:
            write()
        assert caught.value.extra["retry_after"] > 0
    room["pages"] = 1_000_000  # room again: the connections opened meanwhile are not kept
    write()
    write()
    messages = [r.getMessage() for r in caplog.records]
    assert sum("is full" in m for m in messages) == 1, messages
    assert sum("is no longer full" in m for m in messages) == 1, messages
