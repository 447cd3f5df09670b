"""Document jobs in the database (SQLite and PostgreSQL): any worker answers a poll and may run any job under
a lease; keys are checked; caps per tenant and in all; a dead worker's job is picked up again; old jobs go."""
from __future__ import annotations

import pytest

from service.api.compat import document_store
from service.api.compat.document_store import DocumentRecord, DocumentStore, DocumentWork

LEASE_S = 30


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(document_store.time, "time", lambda: now[0])
    return now


def _store(url: str, **options) -> DocumentStore:
    return DocumentStore(url, **{"ttl_s": 60, "lease_s": LEASE_S, "max_attempts": 3, **options})


def _queue(store: DocumentStore, job_id: str, owner: str | None = None, **caps) -> str | None:
    work = DocumentWork(job_id, "txt", b"One.\nTwo.", '{"source_lang": "en", "target_lang": "ja"}',
                        '{"owner": null}', "bk_1", "2026-01-01", 8, 0)
    return store.add(DocumentRecord(job_id, "a.txt", "txt", 8, owner=owner), f"key-{job_id}", work=work, **caps)


def test_another_worker_sees_the_job_and_its_result(store_url):
    first, second = _store(store_url), _store(store_url)
    _queue(first, "ID1")
    claim = first.claim("worker-a")
    assert claim.work is not None
    assert (claim.work.id, claim.work.input, claim.work.attempts) == ("ID1", b"One.\nTwo.", 1)
    assert second.get("ID1", "key-ID1").status == "translating"
    assert first.finish("ID1", "worker-a", "done", result=b"out")
    record = second.get("ID1", "key-ID1")
    assert (record.status, record.result, record.billed_characters) == ("done", b"out", 8)
    assert second.claim("worker-b").work is None  # a finished job keeps no upload to run again


def test_a_wrong_key_finds_nothing(store_url):
    store = _store(store_url)
    _queue(store, "ID1")
    assert store.get("ID1", "guess") is None
    assert store.by_key("guess") is None


def test_pending_jobs_are_capped_in_all_and_per_tenant(store_url):
    store = _store(store_url)
    caps = {"max_pending": 3, "max_pending_per_owner": 2}
    assert _queue(store, "A1", "team:a", **caps) is None
    assert _queue(store, "A2", "team:a", **caps) is None
    assert "max_pending_per_tenant" in _queue(store, "A3", "team:a", **caps)
    assert store.get("A3", "key-A3") is None
    assert _queue(store, "B1", "team:b", **caps) is None  # another tenant still gets in
    assert "documents.max_pending" in _queue(store, "C1", "team:c", **caps)
    assert store.pending() == 3


def test_a_live_lease_keeps_other_workers_off_and_an_expired_one_lets_them_in(store_url, clock):
    store = _store(store_url)
    _queue(store, "ID1")
    assert store.claim("worker-a").work.id == "ID1"
    clock[0] += LEASE_S / 2
    assert store.claim("worker-b").work is None  # worker-a's lease still holds
    assert store.renew("worker-a", ["ID1"]) == []
    clock[0] += LEASE_S * 0.9
    assert store.claim("worker-b").work is None  # renewed: still worker-a's
    clock[0] += LEASE_S  # worker-a died: no renewal
    taken = store.claim("worker-b").work
    assert (taken.id, taken.attempts) == ("ID1", 2)
    assert store.renew("worker-a", ["ID1"]) == ["ID1"]  # worker-a, back from a stall, learns it lost the job
    assert not store.finish("ID1", "worker-a", "done", result=b"late")
    assert store.finish("ID1", "worker-b", "done", result=b"out")
    assert store.get("ID1", "key-ID1").result == b"out"


def test_a_job_that_keeps_killing_its_workers_fails_and_is_reported_for_a_refund(store_url, clock):
    store = _store(store_url, max_attempts=2)
    _queue(store, "ID1")
    for worker in ("a", "b"):
        assert store.claim(worker).work.id == "ID1"
        clock[0] += LEASE_S + 1
    claim = store.claim("c")
    assert claim.work is None
    assert [w.id for w in claim.failed] == ["ID1"]
    failed = store.get("ID1", "key-ID1")
    assert failed.status == "error"
    assert "2 times" in failed.error_message


def test_a_graceful_stop_gives_jobs_back_at_once(store_url):
    store = _store(store_url)
    _queue(store, "ID1")
    assert store.claim("worker-a").work.id == "ID1"
    assert store.release("worker-a") == 1
    again = store.claim("worker-b").work
    assert (again.id, again.attempts) == ("ID1", 1)  # a release is not counted as an attempt


def test_jobs_from_before_leases_fail_and_old_finished_ones_expire(store_url, clock):
    store = _store(store_url, ttl_s=10)
    store.add(DocumentRecord("OLD", "a.txt", "txt", 1), "k1")  # no upload kept: nobody can run it
    _queue(store, "NEW")
    stale = store.get("OLD", "k1")
    assert stale.status == "error"
    assert "upload" in (stale.error_message or "")
    assert store.get("NEW", "key-NEW").status == "queued"
    clock[0] += 11
    _queue(store, "LATER")
    assert store.get("OLD", "k1") is None


def test_one_job_can_be_given_back_and_the_workers_others_stay(store_url):
    store = _store(store_url)
    _queue(store, "ID1")
    _queue(store, "ID2")
    first, second = store.claim("worker-a").work, store.claim("worker-a").work
    assert store.release("worker-a", first.id) == 1
    assert store.release("worker-a", first.id) == 0  # not held any more
    assert store.get(second.id, f"key-{second.id}").status == "translating"
    assert store.claim("worker-b").work.id == first.id
