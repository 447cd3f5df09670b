"""Jobs belong to the key's tenant: another tenant's job is 404 everywhere, a reader reads but never submits or
cancels, and refused work is never charged."""
from __future__ import annotations

import io
import zipfile

import pytest

from service.storage.keys import KeyStore
from tests.service.api.helpers import assert_problem
from tests.service.jobs.fixtures import wait_for

BODY = {"texts": ["Ferries resumed on Monday after the storm. The port reopened."], "target_langs": ["ja"]}


@pytest.fixture
def keyed(jobs_app_factory):
    app, client, headers = jobs_app_factory(keys=True)
    job = client.post("/v1/jobs", json=BODY, headers=headers["desk"]).get_json()
    wait_for(client, job["id"], headers=headers["desk"])
    return app, client, headers, job["id"]


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/v1/jobs/{id}"),
    ("get", "/v1/jobs/{id}/results"),
    ("get", "/v1/jobs/{id}/articles/articles.jsonl/line-1"),
    ("post", "/v1/jobs/{id}/cancel"),
    ("delete", "/v1/jobs/{id}"),
])
@pytest.mark.parametrize("other", ["wire", "solo"])
def test_another_tenants_job_is_404_exactly_like_a_missing_one(keyed, method, path, other):
    _, client, headers, job_id = keyed
    theirs = getattr(client, method)(path.format(id=job_id), headers=headers[other])
    missing = getattr(client, method)(path.format(id="0" * 32), headers=headers[other])
    assert_problem(theirs, 404, "job-not-found")
    assert theirs.get_json()["detail"].replace(job_id, "X") == missing.get_json()["detail"].replace("0" * 32, "X")
    assert job_id not in [j["id"] for j in client.get("/v1/jobs", headers=headers[other]).get_json()["jobs"]]


def test_the_teams_other_key_and_its_reader_see_the_job(keyed):
    _, client, headers, job_id = keyed
    for label in ("desk2", "reader"):
        assert client.get(f"/v1/jobs/{job_id}", headers=headers[label]).status_code == 200
        assert client.get(f"/v1/jobs/{job_id}/results", headers=headers[label]).status_code == 200
        assert [j["id"] for j in client.get("/v1/jobs", headers=headers[label]).get_json()["jobs"]] == [job_id]


def test_a_reader_may_not_submit_or_cancel_and_is_not_charged(keyed):
    app, client, headers, job_id = keyed
    keys = KeyStore(app.extensions["briefs"].settings.database_url)
    reader = next(k for k in keys.list() if k.name == "reader")
    assert_problem(client.post("/v1/jobs", json=BODY, headers=headers["reader"]), 403, "forbidden")
    assert_problem(client.post(f"/v1/jobs/{job_id}/cancel", headers=headers["reader"]), 403, "forbidden")
    assert keys.usage(reader.id).characters == 0


def test_the_submitter_is_charged_per_article_and_refused_work_is_free(keyed):
    app, client, headers, _ = keyed
    keys = KeyStore(app.extensions["briefs"].settings.database_url)
    desk = next(k for k in keys.list() if k.name == "desk")
    charged = keys.usage(desk.id).characters
    assert charged == len(BODY["texts"][0])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("/abs/evil.txt", "A story ran on Monday.")
    buffer.seek(0)
    refused = client.post("/v1/jobs", data={"archive": (buffer, "evil.zip")}, content_type="multipart/form-data",
                          headers=headers["desk"])
    assert_problem(refused, 422, "unsafe-archive")
    assert_problem(client.post("/v1/jobs", json={**BODY, "target_langs": ["fr"]}, headers=headers["desk"]), 422)
    assert keys.usage(desk.id).characters == charged


def test_a_spent_quota_refuses_the_submit_and_a_job_stops_when_it_runs_out(jobs_app_factory):
    app, client, _ = jobs_app_factory(keys=True)
    keys = KeyStore(app.extensions["briefs"].settings.database_url)
    texts = [f"Story number {n} ran on Monday about the harbour." for n in range(5)]
    _, secret = keys.create("small", char_quota=len(texts[0]) * 2 + 5)
    key = next(k for k in keys.list() if k.name == "small")
    auth = {"Authorization": f"Bearer {secret}"}
    job = client.post("/v1/jobs", json={"texts": texts}, headers=auth).get_json()
    ended = wait_for(client, job["id"], headers=auth)
    assert ended["state"] == "failed"
    assert ended["error"]["code"] == "quota-exceeded"
    assert ended["articles"]["done"] == 2
    assert ended["characters_charged"] == keys.usage(key.id).characters == len(texts[0]) * 2
    keys.record(key.id, characters=5, quota=len(texts[0]) * 2 + 5)  # the last few characters of the day
    assert_problem(client.post("/v1/jobs", json={"texts": ["A story."]}, headers=auth), 429, "quota-exceeded")
