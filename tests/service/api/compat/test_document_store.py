"""Document jobs in the database (SQLite and PostgreSQL): any worker answers a poll; keys are
checked; stale and old jobs go."""
from __future__ import annotations

from service.api.compat import document_store
from service.api.compat.document_store import DocumentRecord, DocumentStore


def test_another_worker_sees_the_job_and_its_result(store_url):
    first = DocumentStore(store_url, ttl_s=60, stale_s=60)
    second = DocumentStore(store_url, ttl_s=60, stale_s=60)
    first.add(DocumentRecord("ID1", "a.txt", "txt", 5), "secret")
    first.update("ID1", "done", result=b"out")
    record = second.get("ID1", "secret")
    assert record is not None
    assert (record.status, record.result, record.billed_characters) == ("done", b"out", 5)
    assert second.by_key("secret").id == "ID1"


def test_a_wrong_key_finds_nothing(store_url):
    store = DocumentStore(store_url, ttl_s=60, stale_s=60)
    store.add(DocumentRecord("ID1", "a.txt", "txt", 5), "secret")
    assert store.get("ID1", "guess") is None
    assert store.by_key("guess") is None


def test_pending_jobs_are_bounded(store_url):
    store = DocumentStore(store_url, ttl_s=60, stale_s=60)
    assert store.add(DocumentRecord("A", "a.txt", "txt", 1), "k1", max_pending=1)
    assert not store.add(DocumentRecord("B", "b.txt", "txt", 1), "k2", max_pending=1)
    assert store.get("B", "k2") is None


def test_stale_pending_jobs_fail_and_old_finished_ones_expire(store_url, monkeypatch):
    store = DocumentStore(store_url, ttl_s=10, stale_s=5)
    clock = [1000.0]
    monkeypatch.setattr(document_store.time, "time", lambda: clock[0])
    store.add(DocumentRecord("OLD", "a.txt", "txt", 1), "k1")
    clock[0] += 6
    store.add(DocumentRecord("NEW", "b.txt", "txt", 1), "k2")
    stale = store.get("OLD", "k1")
    assert stale is not None
    assert stale.status == "error"
    assert "upload" in (stale.error_message or "")
    clock[0] += 11
    store.add(DocumentRecord("LATER", "c.txt", "txt", 1), "k3")
    assert store.get("OLD", "k1") is None
