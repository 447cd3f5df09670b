"""The job store on both backends: leases (claim, heartbeat, take-over, release), recording under a lease,
counts of a redone article, the charge in the same transaction, cancel, expiry, tenancy."""
from __future__ import annotations

import io
import time

import pytest

from service.errors import ForbiddenError, QuotaExceededError
from service.jobs.model import JobNotFoundError, JobOptions, LeaseLostError, TooManyJobsError
from service.jobs.schema import OUTPUT
from service.jobs.store import ArticleRecord, JobStore, NewJob
from service.storage.keys import KeyStore
from service.storage.tenancy import OPERATOR, Tenant

DESK = Tenant(owner="team:desk", key_id="bk_desk")
WIRE = Tenant(owner="team:wire")
READER = Tenant(owner="team:desk", role="reader")


@pytest.fixture
def store(store_url: str) -> JobStore:
    return JobStore(store_url, keep_s=60)


def _job(store: JobStore, tenant: Tenant = DESK, *, key_id: str | None = None, max_concurrent: int = 5,
         data: bytes = b'{"text": "A story."}\n'):
    return store.create(NewJob(tenant.owner, key_id, JobOptions(target_langs=("ja",)), "articles.jsonl", len(data),
                               1), io.BytesIO(data), tenant=tenant, max_concurrent=max_concurrent)


def _line(article_id: str, status: str = "ok") -> dict:
    return {"id": article_id, "status": status, "outputs": [f"{article_id}.json"] if status == "ok" else []}


def test_a_job_is_stored_with_its_input_in_parts(store):
    data = b"x" * (3 * 1024 * 1024 + 5)
    job = _job(store, data=data)
    assert job.state == "queued"
    assert b"".join(store.input_parts(job.id)) == data
    assert store.get(job.id, tenant=DESK).id == job.id


def test_another_tenant_sees_no_job_and_a_reader_creates_none(store):
    job = _job(store)
    with pytest.raises(JobNotFoundError):
        store.get(job.id, tenant=WIRE)
    assert store.list_jobs(tenant=WIRE) == []
    with pytest.raises(JobNotFoundError):
        store.request_cancel(job.id, tenant=WIRE)
    with pytest.raises(ForbiddenError):
        _job(store, READER)
    with pytest.raises(ForbiddenError):
        store.request_cancel(job.id, tenant=READER)
    assert [j.id for j in store.list_jobs(tenant=OPERATOR)] == [job.id]


def test_a_tenant_past_its_running_jobs_is_refused(store):
    _job(store, max_concurrent=1)
    with pytest.raises(TooManyJobsError):
        _job(store, max_concurrent=1)
    _job(store, WIRE, max_concurrent=1)  # another tenant's count is its own


def test_one_worker_holds_a_lease_until_it_runs_out(store):
    job = _job(store)
    assert store.claimable() == [job.id]
    assert store.claim(job.id, "a", lease_s=0.5) is not None
    assert store.claim(job.id, "b", lease_s=0.5) is None  # held
    assert store.heartbeat(job.id, "a", lease_s=0.5) == (True, False)
    time.sleep(0.6)
    taken = store.claim(job.id, "b", lease_s=30)  # a missed its heartbeats: b takes over
    assert taken is not None
    assert taken.runs == 2
    assert store.heartbeat(job.id, "a", lease_s=30) == (False, False)
    with pytest.raises(LeaseLostError):
        store.record_article(job.id, "a", ArticleRecord(_line("x")), [], default_quota=0)


def test_a_released_job_is_queued_again(store):
    job = _job(store)
    store.claim(job.id, "a", lease_s=30)
    assert store.release(job.id, "a")
    assert store.get(job.id).state == "queued"
    assert store.claim(job.id, "b", lease_s=30) is not None


def test_recording_counts_each_article_once_and_a_redone_one_replaces_its_line(store):
    job = _job(store)
    store.claim(job.id, "a", lease_s=30)
    store.record_article(job.id, "a", ArticleRecord(_line("one", "failed")), [], default_quota=0)
    store.record_article(job.id, "a", ArticleRecord(_line("two"), [("two.json", b"{}")], 7), ['{"n": 1}'],
                         default_quota=0)
    store.record_article(job.id, "a", ArticleRecord(_line("one"), [("one.json", b"[]")], 5), [], default_quota=0)
    record = store.get(job.id)
    assert (record.ok, record.failed, record.characters) == (2, 0, 12)
    assert [line["id"] for line in store.manifest(job.id)] == ["two", "one"]
    assert store.file(job.id, OUTPUT, "one.json") == b"[]"
    assert store.spellings(job.id) == ['{"n": 1}']


def test_the_charge_commits_with_the_article_or_not_at_all(store, store_url):
    keys = KeyStore(store_url)
    key, _ = keys.create("desk", char_quota=10)
    job = _job(store, key_id=key.id)
    store.claim(job.id, "a", lease_s=30)
    store.record_article(job.id, "a", ArticleRecord(_line("one"), [], 6), [], default_quota=0)
    with pytest.raises(QuotaExceededError):
        store.record_article(job.id, "a", ArticleRecord(_line("two"), [("two.json", b"{}")], 6), [],
                             default_quota=0)
    assert keys.usage(key.id).characters == 6
    assert [line["id"] for line in store.manifest(job.id)] == ["one"]
    assert store.file(job.id, OUTPUT, "two.json") is None


def test_cancel_ends_a_queued_job_and_flags_a_running_one(store):
    queued, running = _job(store), _job(store)
    store.claim(running.id, "a", lease_s=30)
    assert store.request_cancel(queued.id, tenant=DESK).state == "cancelled"
    flagged = store.request_cancel(running.id, tenant=DESK)
    assert flagged.state == "running"
    assert flagged.cancel_requested
    assert store.heartbeat(running.id, "a", lease_s=30) == (True, True)


def test_finished_jobs_expire_with_everything_they_hold(store):
    job = _job(store)
    store.claim(job.id, "a", lease_s=30)
    store.record_article(job.id, "a", ArticleRecord(_line("one"), [("one.json", b"{}")]), [], default_quota=0)
    assert store.finish(job.id, "a", "done", files=[("summary.json", b"{}")])
    assert store.expire(time.time() + 30) == 0
    assert store.expire(time.time() + 61) == 1
    with pytest.raises(JobNotFoundError):
        store.get(job.id)
    assert store.file(job.id, OUTPUT, "one.json") is None
