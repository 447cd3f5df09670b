"""No refusal is charged, on any door: every refusal status leaves the key's usage (``/v1/usage``,
DeepL's ``/v2/usage``) unchanged, and a served request is charged once (the table in docs/RELIABILITY.md)."""
from __future__ import annotations

import io
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import pytest

from service.api.app import create_app
from service.errors import StoreUnavailableError
from service.runtime.resources import Resources
from service.storage.keys import KeyStore
from tests.fakes import FakeModelManager, TaggingTranslator
from tests.helpers import make_settings
from tests.service.api.helpers import ARTICLE, assert_problem

MAX_CHARS = 300
LONG = "The harbor reopened on Monday. " * 12  # over MAX_CHARS
DEADLINE_S = 1.0  # the warm-up request before the slow one must fit in it on a busy machine


class SlowTranslator(TaggingTranslator):
    """Once ``slow`` is set, takes longer than the request deadline for every engine call."""

    slow = False

    def translate_batch(self, texts, source_lang, target_lang):
        if self.slow:
            time.sleep(DEADLINE_S * 1.5)
        return super().translate_batch(texts, source_lang, target_lang)


def _keyed_app(tmp_path, translator=None, documents: dict[str, Any] | None = None, **http: Any):
    settings = make_settings(tmp_path, limits={"max_chars": MAX_CHARS}, documents=documents or {},
                             http={"api_keys_required": True, "rate_limit": "1000/minute", **http})
    app = create_app(settings, resources=Resources(settings, models=FakeModelManager(settings, translator=translator)))
    app.config["TESTING"] = True
    key, secret = KeyStore(settings.database_url).create("desk")
    return app, key, {"Authorization": f"DeepL-Auth-Key {secret}"}


def _document(**fields: Any) -> Callable[[], dict[str, Any]]:
    return lambda: {"data": {"target_lang": "JA", "source_lang": "EN", **fields,
                             "file": (io.BytesIO(b"Officials met in Tokyo.\nThe talks continue."), "brief.txt")},
                    "content_type": "multipart/form-data"}


def _file() -> dict[str, Any]:
    return {"data": {"source": "en", "target": "ja", "file": (io.BytesIO(b"Officials met."), "a.txt")},
            "content_type": "multipart/form-data"}


def _json(body: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    return lambda: {"json": body}


def _form(body: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    return lambda: {"data": body}


Request = Callable[[], dict[str, Any]]  # the test client's keyword arguments, made afresh for each send
# (id, method, path, request, refusal status)
REFUSALS: list[tuple[str, str, str, Request, int]] = [
    ("v1-translate-413", "post", "/v1/translate", _json({"segments": [LONG[:200], LONG[:200]]}), 413),
    ("v1-translate-unserved-pair", "post", "/v1/translate", _json({"segments": ["Hi."], "target_langs": ["de"]}),
     422),
    ("v1-translate-target-is-source", "post", "/v1/translate",
     _json({"segments": ["Hi."], "target_langs": ["en"]}), 422),
    ("v1-translate-repeated-alias", "post", "/v1/translate", _json({"segments": ["Hi."], "inline_glossary": [
        {"source": "Tokyo", "renderings": {"ja": "東京"}, "aliases": ["TOKYO"]}]}), 422),
    ("v1-briefs-413", "post", "/v1/briefs", _json({"text": LONG}), 413),
    ("v1-briefs-empty", "post", "/v1/briefs", _json({"text": " \u202e "}), 422),
    ("v1-briefs-unknown-language", "post", "/v1/briefs", _json({"text": ARTICLE, "target_langs": ["xx"]}), 422),
    ("v2-translate-413-json", "post", "/v2/translate", _json({"text": [LONG], "target_lang": "JA"}), 413),
    ("v2-translate-413-form", "post", "/v2/translate", _form({"text": LONG, "target_lang": "JA"}), 413),
    ("libre-translate-too-long", "post", "/translate", _json({"q": LONG, "source": "en", "target": "ja"}), 400),
    ("v2-document-unknown-glossary", "post", "/v2/document", _document(glossary_id="nope"), 404),
]
# Requests that would be served: refused here for load (503 overloaded) or time (503 deadline-exceeded).
SERVABLE: list[tuple[str, str, str, Request]] = [
    ("v1-translate", "post", "/v1/translate", _json({"segments": ["Officials met.", "Talks went on."]})),
    ("v1-briefs", "post", "/v1/briefs", _json({"text": ARTICLE, "sentences": 2})),
    ("v2-translate", "post", "/v2/translate", _json({"text": ["Officials met."], "target_lang": "JA"})),
    ("v2-translate-form", "post", "/v2/translate", _form({"text": "Officials met.", "target_lang": "JA"})),
    ("libre-translate", "post", "/translate", _json({"q": "Officials met.", "source": "en", "target": "ja"})),
    ("libre-translate-file", "post", "/translate_file", _file),
]


def _usage(client, store: KeyStore, key_id: str, headers: dict[str, str]) -> tuple[int, int, int]:
    """DeepL's character count, and the key's requests and characters, both read after a /v2/usage call
    (which counts one request, once it is answered)."""
    deepl = client.get("/v2/usage", headers=headers).get_json()["character_count"]
    counts = store.usage(key_id)
    return deepl, counts.requests, counts.characters


def _plus_requests(usage: tuple[int, int, int], requests: int) -> tuple[int, int, int]:
    return usage[0], usage[1] + requests, usage[2]


def _unchanged(app, key, headers, send: Callable[[], Any], status: int,
               before_sending: Callable[[], object] = lambda: None) -> None:
    client, store = app.test_client(), app.extensions["briefs.keys"]
    assert client.post("/v1/translate", json={"segments": ["A served request."]}, headers=headers).status_code == 200
    before = _usage(client, store, key.id, headers)
    assert before[0] > 0
    before_sending()
    response = send()
    assert response.status_code == status, response.data
    if response.status_code in (429, 503):
        assert int(response.headers["Retry-After"]) > 0
    assert _usage(client, store, key.id, headers) == _plus_requests(before, 1)  # only the first /v2/usage


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), [r[1:] for r in REFUSALS],
                         ids=[r[0] for r in REFUSALS])
def test_a_refusal_leaves_usage_unchanged(tmp_path, method, path, kwargs, status):
    app, key, headers = _keyed_app(tmp_path)
    client = app.test_client()
    _unchanged(app, key, headers, lambda: getattr(client, method)(path, headers=headers, **kwargs()), status)


def test_too_many_documents_is_429_and_not_charged(tmp_path):
    app, key, headers = _keyed_app(tmp_path, documents={"max_pending": 0})
    client = app.test_client()
    _unchanged(app, key, headers, lambda: client.post("/v2/document", headers=headers, **_document()()), 429)


@pytest.mark.parametrize(("method", "path", "kwargs"), [r[1:] for r in SERVABLE], ids=[r[0] for r in SERVABLE])
def test_overloaded_is_503_and_not_charged(tmp_path, method, path, kwargs):
    app, key, headers = _keyed_app(tmp_path, model_slots=1, max_queue_wait_s=0)
    client = app.test_client()
    with ExitStack() as busy:  # the worker's one slot, taken once the warm-up request is served
        _unchanged(app, key, headers, lambda: getattr(client, method)(path, headers=headers, **kwargs()),
                   503,
                   before_sending=lambda: busy.enter_context(app.extensions["briefs.model_slots"].hold()))


def test_a_key_past_its_quota_is_told_so_without_waiting_for_a_model_slot(tmp_path):
    """Busy models: a key whose quota is used up gets its 429 at once, not a turn's wait and then 503."""
    app, _key, _headers = _keyed_app(tmp_path, model_slots=1, max_queue_wait_s=30, request_deadline_s=2)
    _spent, secret = app.extensions["briefs.keys"].create("spent", char_quota=5)
    client = app.test_client()
    with app.extensions["briefs.model_slots"].hold():  # the worker's one slot is busy
        response = client.post("/v1/translate", json={"segments": ["The harbor reopened."], "target_langs": ["ja"]},
                               headers={"Authorization": f"Bearer {secret}"})
    assert_problem(response, 429, "quota-exceeded")


@pytest.mark.parametrize(("method", "path", "kwargs"), [r[1:] for r in SERVABLE], ids=[r[0] for r in SERVABLE])
def test_past_the_deadline_is_503_and_not_charged(tmp_path, method, path, kwargs):
    translator = SlowTranslator()
    app, key, headers = _keyed_app(tmp_path, translator, request_deadline_s=DEADLINE_S)
    client = app.test_client()
    _unchanged(app, key, headers, lambda: getattr(client, method)(path, headers=headers, **kwargs()),
               503, before_sending=lambda: setattr(translator, "slow", True))


@pytest.mark.parametrize(("method", "path", "kwargs"), [r[1:] for r in SERVABLE], ids=[r[0] for r in SERVABLE])
def test_a_served_request_is_charged_once(tmp_path, method, path, kwargs):
    app, key, headers = _keyed_app(tmp_path)
    client, store = app.test_client(), app.extensions["briefs.keys"]
    before = _usage(client, store, key.id, headers)
    assert getattr(client, method)(path, headers=headers, **kwargs()).status_code == 200
    after = _usage(client, store, key.id, headers)
    assert after[1] == before[1] + 2  # the request and the first /v2/usage call
    assert after[2] > before[2]
    assert after[0] == after[2]


def test_a_served_document_upload_counts_one_request(tmp_path):
    app, key, headers = _keyed_app(tmp_path)
    client, store = app.test_client(), app.extensions["briefs.keys"]
    before = _usage(client, store, key.id, headers)
    assert client.post("/v2/document", headers=headers, **_document()()).status_code == 200
    after = _usage(client, store, key.id, headers)
    assert after[1] == before[1] + 2  # the upload (its job keeps the charge) and the first /v2/usage call
    assert after[2] == before[2] + len("Officials met in Tokyo.The talks continue.")


def test_an_upload_whose_document_count_fails_is_still_answered_and_charged_once(tmp_path, monkeypatch):
    """The job is queued and charged before the document count is written: a store hiccup there must not
    turn the upload into a 503 the client would retry (a second job, a second charge)."""
    app, key, headers = _keyed_app(tmp_path)
    client, store = app.test_client(), app.extensions["briefs.keys"]
    before = _usage(client, store, key.id, headers)

    def unavailable(key_id):
        raise StoreUnavailableError("the store database cannot be reached")

    monkeypatch.setattr(app.extensions["briefs.document_usage"], "add", unavailable)
    assert client.post("/v2/document", headers=headers, **_document()()).status_code == 200
    after = _usage(client, store, key.id, headers)
    assert after[2] == before[2] + len("Officials met in Tokyo.The talks continue.")


class BreakingTranslator(TaggingTranslator):
    """Once ``broken`` is set, every engine call fails (a model gone mid-way)."""

    broken = False

    def translate_batch(self, texts, source_lang, target_lang):
        if self.broken:
            raise RuntimeError("the engine broke")
        return super().translate_batch(texts, source_lang, target_lang)


@pytest.mark.parametrize("breaks", [False, True], ids=["served", "failed-mid-stream"])
def test_a_streamed_brief_is_charged_once_or_not_at_all(tmp_path, breaks):
    """A stream answers 200 before its brief is done: one that ends in an ``error`` event gives its charge back."""
    translator = BreakingTranslator()
    app, key, headers = _keyed_app(tmp_path, translator)
    client, store = app.test_client(), app.extensions["briefs.keys"]
    before = _usage(client, store, key.id, headers)
    translator.broken = breaks
    response = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 2},
                           headers={**headers, "Accept": "text/event-stream"})
    assert response.status_code == 200
    events = response.get_data(as_text=True)
    assert ("event: error" in events) is breaks
    after = _usage(client, store, key.id, headers)
    if breaks:
        assert after == _plus_requests(before, 1)  # only the first /v2/usage call
    else:
        assert after[1] == before[1] + 2
        assert after[2] > before[2]
