"""DeepL document jobs: queued in the background, 503 until ready, then the file."""
from __future__ import annotations

import io
import threading
import time

import pytest

from service.api.app import create_app
from service.errors import StoreUnavailableError
from service.runtime.resources import Resources
from tests.fakes import FakeModelManager, TaggingTranslator
from tests.helpers import make_settings

WAIT_S = 30


class GatedTranslator(TaggingTranslator):
    """Tags text like its parent, but only once the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def translate_batch(self, texts, source_lang, target_lang):
        if not self.gate.wait(WAIT_S):
            raise TimeoutError("the test never opened the gate")
        return super().translate_batch(texts, source_lang, target_lang)


@pytest.fixture
def gated(tmp_path):
    settings = make_settings(tmp_path, http={"rate_limit": "1000/minute"})
    translator = GatedTranslator()
    app = create_app(settings, resources=Resources(settings, models=FakeModelManager(settings, translator=translator)))
    yield app.test_client(), translator
    translator.gate.set()
    app.extensions["briefs.documents"].shutdown()


def upload(client, data=b"Officials met in Tokyo.\nThe talks continue.", name="brief.txt", **fields):
    form = {"target_lang": "JA", "source_lang": "EN", **fields, "file": (io.BytesIO(data), name)}
    return client.post("/v2/document", data=form, content_type="multipart/form-data")


def wait_for(client, handle, wanted: str) -> dict:
    deadline = time.monotonic() + WAIT_S
    while True:
        status = client.post(f"/v2/document/{handle['document_id']}",
                             json={"document_key": handle["document_key"]}).get_json()
        if status["status"] == wanted or time.monotonic() > deadline:
            return status
        time.sleep(0.02)


def test_result_is_503_until_ready_then_the_file(gated):
    client, translator = gated
    response = upload(client)
    assert response.status_code == 200, response.data
    handle = response.get_json()
    key = {"document_key": handle["document_key"]}
    assert client.post(f"/v2/document/{handle['document_id']}", json=key).get_json()["status"] in (
        "queued", "translating")
    pending = client.post(f"/v2/document/{handle['document_id']}/result", json=key)
    assert pending.status_code == 503
    assert set(pending.get_json()) == {"message"}
    translator.gate.set()
    status = wait_for(client, handle, "done")
    assert status["status"] == "done"
    assert status["billed_characters"] == len("Officials met in Tokyo.") + len("The talks continue.")
    result = client.post(f"/v2/document/{handle['document_id']}/result", json=key)
    assert result.status_code == 200
    assert result.mimetype == "text/plain"
    assert result.get_data(as_text=True) == "<ja> Officials met in 東京.\n<ja> The talks continue."


def test_a_failed_translation_reports_error_status(gated, monkeypatch):
    client, translator = gated

    def boom(*args):
        raise RuntimeError("secret internal state")

    monkeypatch.setattr(translator, "translate_batch", boom)
    handle = upload(client).get_json()
    status = wait_for(client, handle, "error")
    assert status["status"] == "error"
    assert "secret" not in status["error_message"]


def test_wrong_key_is_404(gated):
    client, _ = gated
    handle = upload(client).get_json()
    assert client.post(f"/v2/document/{handle['document_id']}", json={"document_key": "0" * 64}).status_code == 404


def test_too_many_pending_documents_is_429(gated):
    client, _ = gated
    statuses = [upload(client).status_code for _ in range(9)]
    assert statuses[:8] == [200] * 8
    assert statuses[8] == 429


@pytest.mark.parametrize(("fields", "status"), [
    ({"target_lang": "DE"}, 400),
    ({"output_format": "pdf"}, 400),
    ({"formality": "more"}, 400),
    ({"glossary_id": "missing"}, 404),
])
def test_bad_uploads(gated, fields, status):
    client, _ = gated
    response = upload(client, **fields)
    assert response.status_code == status
    assert set(response.get_json()) == {"message"}


def test_upload_without_a_file_is_400(gated):
    client, _ = gated
    response = client.post("/v2/document", data={"target_lang": "JA"}, content_type="multipart/form-data")
    assert response.status_code == 400


def test_a_store_outage_mid_job_gives_the_job_back_and_it_finishes_later(gated, monkeypatch):
    """The store went away while a document was translating: nothing is wrong with the job, so it is
    queued again (not failed) and the same job thread runs it once the store is back."""
    client, translator = gated
    jobs = client.application.extensions["briefs.documents"]
    translate, outages = jobs._translate, [StoreUnavailableError("the store database cannot be reached")]

    def flaky(work):
        if outages:
            raise outages.pop()
        return translate(work)

    monkeypatch.setattr(jobs, "_translate", flaky)
    handle = upload(client).get_json()
    translator.gate.set()
    assert wait_for(client, handle, "done")["status"] == "done"
    assert not outages


@pytest.fixture
def short_leases(tmp_path):
    settings = make_settings(tmp_path, http={"rate_limit": "1000/minute"}, documents={"lease_s": 0.6})
    translator = GatedTranslator()
    app = create_app(settings, resources=Resources(settings, models=FakeModelManager(settings, translator=translator)))
    yield app.test_client(), translator
    translator.gate.set()
    app.extensions["briefs.documents"].shutdown()


def test_a_store_that_cannot_record_a_result_does_not_end_the_job_thread(short_leases, monkeypatch):
    client, translator = short_leases
    jobs = client.application.extensions["briefs.documents"]
    finish, failures = jobs.store.finish, [StoreUnavailableError("the store database is read-only")]

    def flaky(*args, **kwargs):
        if failures:
            raise failures.pop()
        return finish(*args, **kwargs)

    monkeypatch.setattr(jobs.store, "finish", flaky)  # the unrecorded job runs again when its lease runs out
    translator.gate.set()
    first = upload(client).get_json()
    assert wait_for(client, first, "done")["status"] == "done"  # run again after its lease ran out
    assert not failures
    assert all(thread.is_alive() for thread in jobs._threads)
