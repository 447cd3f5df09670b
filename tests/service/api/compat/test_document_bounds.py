"""Documents are bounded before they are worked on, and document jobs belong to their tenant: an expanding
.docx is refused from its zip directory, text past the character bound is refused while it is read, each
tenant has its own cap, only the uploader's tenant polls a job, and a failed job gives its charge back."""
from __future__ import annotations

import io
import threading
import time
import zipfile
from typing import Any

import docx
import pytest

from service.api.app import create_app
from service.runtime.resources import Resources
from service.storage.keys import KeyStore
from tests.fakes import FakeModelManager, TaggingTranslator
from tests.helpers import make_settings

WAIT_S = 30
PARAGRAPH = "The harbor reopened on Monday after a month of repairs. "


def expanding_docx(expanded_bytes: int) -> bytes:
    """A small .docx whose document.xml inflates to about ``expanded_bytes``."""
    document = docx.Document()
    document.add_paragraph("Officials met.")
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    body = source.read("word/document.xml").decode()
    start = body.index("<w:body>") + len("<w:body>")
    paragraph = f"<w:p><w:r><w:t>{PARAGRAPH * 30}</w:t></w:r></w:p>"
    body = body[:start] + paragraph * (expanded_bytes // len(paragraph)) + body[start:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item.filename, body if item.filename == "word/document.xml" else source.read(item))
    return out.getvalue()


class GatedTranslator(TaggingTranslator):
    """Tags text once the test opens the gate; ``fail`` makes it raise instead."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.fail = False

    def translate_batch(self, texts, source_lang, target_lang):
        if not self.gate.wait(WAIT_S):
            raise TimeoutError("the test never opened the gate")
        if self.fail:
            raise RuntimeError("the engine broke")
        return super().translate_batch(texts, source_lang, target_lang)


@pytest.fixture
def keyed(tmp_path):
    """Keys on; headers of two keys of team desk and one of team wire; the translator's gate closed."""
    settings = make_settings(tmp_path, http={"api_keys_required": True, "rate_limit": "10000/minute"},
                             limits={"max_document_chars": 2_000})
    translator = GatedTranslator()
    app = create_app(settings, resources=Resources(settings, models=FakeModelManager(settings, translator=translator)))
    store = KeyStore(settings.database_url)
    headers = {}
    for name, team in (("desk", "desk"), ("desk2", "desk"), ("wire", "wire")):
        _, secret = store.create(name, team=team)
        headers[name] = {"Authorization": f"DeepL-Auth-Key {secret}"}
    yield app, app.test_client(), headers, translator
    translator.gate.set()
    app.extensions["briefs.documents"].shutdown()


def upload(client, headers: dict[str, str], data: bytes = b"Officials met in Tokyo.\nThe talks continue.",
           name: str = "brief.txt", **fields: Any):
    form = {"target_lang": "JA", "source_lang": "EN", **fields, "file": (io.BytesIO(data), name)}
    return client.post("/v2/document", data=form, content_type="multipart/form-data", headers=headers)


def poll(client, headers, handle) -> Any:
    return client.post(f"/v2/document/{handle['document_id']}", json={"document_key": handle["document_key"]},
                       headers=headers)


def test_an_expanding_docx_is_refused_from_its_zip_directory_on_both_doors(keyed):
    _, client, headers, _ = keyed
    bomb = expanding_docx(11_000_000)
    assert len(bomb) < 200_000
    started = time.monotonic()
    response = upload(client, headers["desk"], bomb, "bomb.docx")
    assert response.status_code == 413, response.data
    assert "limits.max_document_bytes" in response.get_json()["message"]
    libre = client.post("/translate_file", data={"source": "en", "target": "ja", "file": (io.BytesIO(bomb), "b.docx")},
                        content_type="multipart/form-data", headers=headers["desk"])
    assert libre.status_code == 400, libre.data
    assert "max_document_bytes" in libre.get_json()["error"]
    assert time.monotonic() - started < 5  # refused before anything was inflated or parsed
    assert client.get("/v2/usage", headers=headers["desk"]).get_json()["character_count"] == 0


def test_text_past_the_character_bound_is_refused_while_it_is_read(keyed):
    _, client, headers, _ = keyed
    long_txt = ("Officials met in Tokyo.\n" * 100).encode()  # 2,400 characters; the bound is 2,000
    response = upload(client, headers["desk"], long_txt)
    assert response.status_code == 413, response.data
    assert "2000 characters" in response.get_json()["message"]
    small = expanding_docx(40_000)  # inside the byte bound, past the character bound
    assert upload(client, headers["desk"], small, "long.docx").status_code == 413


def test_translate_file_is_bounded_as_one_article(tmp_path):
    settings = make_settings(tmp_path, limits={"max_chars": 500})
    client = create_app(settings, resources=Resources(settings, models=FakeModelManager(settings))).test_client()
    send = {"source": "en", "target": "ja", "file": (io.BytesIO(("Officials met. " * 40).encode()), "a.txt")}
    response = client.post("/translate_file", data=send, content_type="multipart/form-data")
    assert response.status_code == 400, response.data
    assert "500 characters" in response.get_json()["error"]


def test_each_tenant_has_its_own_cap(keyed):
    app, client, headers, _ = keyed
    cap = app.extensions["briefs"].settings.documents.max_pending_per_tenant
    assert [upload(client, headers["desk"]).status_code for _ in range(cap)] == [200] * cap
    refused = upload(client, headers["desk2"])  # the same team
    assert refused.status_code == 429, refused.data
    assert set(refused.get_json()) == {"message"}
    assert upload(client, headers["wire"]).status_code == 200  # another tenant is not blocked


def test_only_the_uploaders_tenant_may_poll_or_download(keyed):
    _, client, headers, translator = keyed
    handle = upload(client, headers["desk"]).get_json()
    assert poll(client, headers["wire"], handle).status_code == 404
    key = {"document_key": handle["document_key"]}
    assert client.post(f"/v2/document/{handle['document_id']}/result", json=key,
                       headers=headers["wire"]).status_code == 404
    translator.gate.set()
    assert _wait(client, headers["desk2"], handle, "done")["status"] == "done"  # a teammate may
    result = client.post(f"/v2/document/{handle['document_id']}/result", json=key, headers=headers["desk2"])
    assert result.status_code == 200


def test_a_failed_job_gives_its_charge_back(keyed):
    _, client, headers, translator = keyed
    handle = upload(client, headers["desk"]).get_json()
    assert client.get("/v2/usage", headers=headers["desk"]).get_json()["character_count"] > 0
    translator.fail = True
    translator.gate.set()
    assert _wait(client, headers["desk"], handle, "error")["status"] == "error"
    assert client.get("/v2/usage", headers=headers["desk"]).get_json()["character_count"] == 0


def _wait(client, headers, handle, wanted: str) -> dict:
    deadline = time.monotonic() + WAIT_S
    while True:
        status = poll(client, headers, handle).get_json()
        if status.get("status") == wanted or time.monotonic() > deadline:
            return status
        time.sleep(0.05)
