"""/v1/jobs on injected doubles: submit (JSON and archives), poll, results, one article, cancel, limits."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.service.api.helpers import assert_problem
from tests.service.batch.articles import make_articles, write_zip
from tests.service.jobs.fixtures import wait_for


def _zip_bytes(tmp_path, count: int) -> bytes:
    return write_zip(tmp_path / "wire.zip", make_articles(count)).read_bytes()


def _upload(client, data: bytes, name: str = "wire.zip", headers=None, **fields):
    form = {"archive": (io.BytesIO(data), name), **fields}
    return client.post("/v1/jobs", data=form, content_type="multipart/form-data", headers=headers or {})


def test_a_zip_upload_runs_to_done_with_every_article(jobs_app_factory, tmp_path):
    _, client, _ = jobs_app_factory()
    response = _upload(client, _zip_bytes(tmp_path, 9), target_langs="ja", sentences="2", formats="json,md")
    assert response.status_code == 202, response.data
    job = response.get_json()
    assert response.headers["Location"] == f"/v1/jobs/{job['id']}"
    assert job["state"] in ("queued", "running", "done")
    assert job["articles"]["total"] == 9
    done = wait_for(client, job["id"])
    assert done["state"] == "done", done
    assert done["articles"] == {"total": 9, "done": 9, "failed": 0, "skipped": 0}
    assert done["characters_charged"] == sum(len(a) for a in make_articles(9))
    results = client.get(f"/v1/jobs/{job['id']}/results")
    assert results.status_code == 200
    assert results.mimetype == "application/zip"
    names = set(zipfile.ZipFile(io.BytesIO(results.data)).namelist())
    assert {"manifest.jsonl", "summary.json", "learned.tbx"} <= names
    assert sum(n.endswith(".txt.json") for n in names) == 9
    assert sum(n.endswith(".txt.md") for n in names) == 9


@pytest.mark.parametrize("body", [
    {"texts": ["Ferries resumed on Monday after the storm. The port reopened.", "Rail fares rise in May."]},
    {"articles": [{"id": "ferry", "text": "Ferries resumed on Monday after the storm. The port reopened."},
                  {"text": "Rail fares rise in May."}]},
])
def test_json_articles_run_as_a_job(jobs_app_factory, body):
    _, client, _ = jobs_app_factory()
    response = client.post("/v1/jobs", json={**body, "target_langs": ["ja"], "sentences": 1})
    assert response.status_code == 202, response.data
    done = wait_for(client, response.get_json()["id"])
    assert done["state"] == "done"
    assert done["articles"]["done"] == 2
    assert done["input"]["name"] == "articles.jsonl"


def test_one_article_is_readable_by_its_id_as_soon_as_it_is_built(jobs_app_factory):
    _, client, _ = jobs_app_factory()
    body = {"articles": [{"id": "ferry", "text": "Ferries resumed on Monday after the storm. The port reopened."}],
            "target_langs": ["ja"]}
    job = client.post("/v1/jobs", json=body).get_json()
    wait_for(client, job["id"])
    brief = client.get(f"/v1/jobs/{job['id']}/articles/articles.jsonl/ferry")
    assert brief.status_code == 200
    assert brief.get_json()["segments"][0]["translations"]["ja"].startswith("<ja>")
    assert_problem(client.get(f"/v1/jobs/{job['id']}/articles/articles.jsonl/nope"), 404, "article-not-found")


def test_the_list_shows_the_tenants_jobs_newest_first(jobs_app_factory):
    _, client, _ = jobs_app_factory(jobs={"worker_threads": 0}, threads=0)
    ids = [client.post("/v1/jobs", json={"texts": [f"Story number {n} ran on Monday."]}).get_json()["id"]
           for n in range(3)]
    listed = client.get("/v1/jobs").get_json()["jobs"]
    assert [j["id"] for j in listed] == ids[::-1]
    assert all(j["state"] == "queued" for j in listed)
    assert client.get("/v1/jobs?state=done").get_json()["jobs"] == []


def test_results_of_an_unfinished_job_are_409(jobs_app_factory):
    _, client, _ = jobs_app_factory(threads=0)
    job = client.post("/v1/jobs", json={"texts": ["A story ran on Monday."]}).get_json()
    assert_problem(client.get(f"/v1/jobs/{job['id']}/results"), 409, "job-not-finished")


def test_a_queued_job_cancels_at_once_and_a_finished_one_deletes(jobs_app_factory):
    _, client, _ = jobs_app_factory(threads=0)
    job = client.post("/v1/jobs", json={"texts": ["A story ran on Monday."]}).get_json()
    cancelled = client.post(f"/v1/jobs/{job['id']}/cancel")
    assert cancelled.status_code == 202
    assert cancelled.get_json()["state"] == "cancelled"
    assert client.delete(f"/v1/jobs/{job['id']}").status_code == 204
    assert_problem(client.get(f"/v1/jobs/{job['id']}"), 404, "job-not-found")


def test_cancel_stops_a_running_job_within_one_article_and_charges_only_what_was_built(jobs_app_factory, gated):
    gated.gated = True
    _, client, _ = jobs_app_factory(batch={"group_articles": 1})
    texts = [f"Story number {n} ran on Monday. It was about the harbour." for n in range(10)]
    job = client.post("/v1/jobs", json={"texts": texts, "target_langs": ["ja"]}).get_json()
    gated.release(3)
    running = wait_for(client, job["id"], until=lambda b: b["articles"]["done"] >= 3)
    assert running["state"] == "running"
    assert running["articles"]["done"] == 3
    assert client.post(f"/v1/jobs/{job['id']}/cancel").get_json()["cancel_requested"] is True
    gated.open()  # nothing waits any more: a job not stopped would now run to the end
    ended = wait_for(client, job["id"])
    assert ended["state"] == "cancelled"
    assert 3 <= ended["articles"]["done"] <= 4  # the article in progress may finish; no other does
    assert ended["characters_charged"] == sum(len(t) for t in texts[:ended["articles"]["done"]])
    results = zipfile.ZipFile(io.BytesIO(client.get(f"/v1/jobs/{job['id']}/results").data))
    lines = [json.loads(x) for x in results.read("manifest.jsonl").splitlines()]
    assert len(lines) == ended["articles"]["done"]
    assert "summary.json" not in results.namelist()


@pytest.mark.parametrize(("body", "field"), [
    ({}, "texts"),
    ({"texts": ["a"], "articles": [{"text": "b"}]}, "texts"),
    ({"texts": []}, "texts"),
    ({"texts": ["A story."], "sentences": 2, "ratio": 0.5}, "ratio"),
    ({"texts": ["A story."], "formats": ["pdf"]}, "formats.0"),
    ({"articles": [{"id": "x"}]}, "articles.0.text"),
    ({"texts": ["A story."], "callback_secret": "short"}, "callback_secret"),
])
def test_bad_submits_are_422_naming_the_field(jobs_app_factory, body, field):
    _, client, _ = jobs_app_factory(threads=0)
    problem = assert_problem(client.post("/v1/jobs", json=body), 422, "validation-failed")
    assert field in {e["field"] for e in problem["errors"]}
    assert client.get("/v1/jobs").get_json()["jobs"] == []


def test_an_unsupported_language_pair_is_refused_before_any_work(jobs_app_factory):
    _, client, _ = jobs_app_factory(threads=0)
    assert_problem(client.post("/v1/jobs", json={"texts": ["A story."], "target_langs": ["fr"]}), 422)
    assert client.get("/v1/jobs").get_json()["jobs"] == []


def test_an_unknown_glossary_is_404_before_any_work(jobs_app_factory):
    _, client, _ = jobs_app_factory(threads=0)
    assert_problem(client.post("/v1/jobs", json={"texts": ["A story."], "glossaries": ["nope"]}), 404,
                   "glossary-not-found")


def test_a_zip_slip_archive_is_refused_at_submit(jobs_app_factory, tmp_path):
    _, client, _ = jobs_app_factory(threads=0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../etc/evil.txt", "A story ran on Monday.")
    assert_problem(_upload(client, buffer.getvalue()), 422, "unsafe-archive")
    assert client.get("/v1/jobs").get_json()["jobs"] == []


def test_an_upload_of_unknown_type_is_refused(jobs_app_factory):
    _, client, _ = jobs_app_factory(threads=0)
    assert_problem(_upload(client, b"\x00\x01 not an archive", name="data.bin"), 422, "bad-input")


def test_a_multipart_body_without_the_archive_field_is_422(jobs_app_factory):
    _, client, _ = jobs_app_factory(threads=0)
    response = client.post("/v1/jobs", data={"target_langs": "ja"}, content_type="multipart/form-data")
    assert_problem(response, 422)


def test_other_body_types_are_415(jobs_app_factory):
    _, client, _ = jobs_app_factory(threads=0)
    assert_problem(client.post("/v1/jobs", data=b"x", content_type="text/plain"), 415)


@pytest.mark.parametrize(("limits", "code"), [
    ({"max_articles": 5}, "job-input-too-large"),  # entries, counted by the batch scan
    ({"tenant_limits": {"": {}}, "max_archive_bytes": 300}, "body-too-large"),  # the body itself
])
def test_limits_on_entries_and_bytes_are_413(jobs_app_factory, tmp_path, limits, code):
    _, client, _ = jobs_app_factory(threads=0, jobs=limits)
    assert_problem(_upload(client, _zip_bytes(tmp_path, 6)), 413, code)
    assert client.get("/v1/jobs").get_json()["jobs"] == []


def test_a_tenants_own_byte_limit_is_413_naming_the_setting(jobs_app_factory, tmp_path):
    _, client, headers = jobs_app_factory(threads=0, keys=True,
                                          jobs={"tenant_limits": {"team:desk": {"max_archive_bytes": 300}}})
    problem = assert_problem(_upload(client, _zip_bytes(tmp_path, 6), headers=headers["desk"]), 413,
                             "job-input-too-large")
    assert "jobs.max_archive_bytes" in problem["detail"]
    assert _upload(client, _zip_bytes(tmp_path, 6), headers=headers["wire"]).status_code == 202


def test_a_tenant_past_its_concurrent_jobs_gets_429(jobs_app_factory):
    _, client, _ = jobs_app_factory(threads=0, jobs={"max_concurrent": 2})
    for _ in range(2):
        assert client.post("/v1/jobs", json={"texts": ["A story ran."]}).status_code == 202
    problem = assert_problem(client.post("/v1/jobs", json={"texts": ["A story ran."]}), 429, "too-many-jobs")
    assert "jobs.max_concurrent" in problem["detail"]


def test_per_tenant_overrides_apply_to_that_tenant_only(jobs_app_factory):
    _, client, headers = jobs_app_factory(threads=0, keys=True,
                                          jobs={"max_concurrent": 5, "tenant_limits": {"team:desk": {
                                              "max_concurrent": 1}}})
    body = {"texts": ["A story ran."]}
    assert client.post("/v1/jobs", json=body, headers=headers["desk"]).status_code == 202
    assert_problem(client.post("/v1/jobs", json=body, headers=headers["desk2"]), 429, "too-many-jobs")
    assert client.post("/v1/jobs", json=body, headers=headers["wire"]).status_code == 202
