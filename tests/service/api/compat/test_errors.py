"""Each bad input the issue names, on each door, answers in the peer's shape and status."""
from __future__ import annotations

import pytest

from service.api.compat import deepl as deepl_door
from service.api.compat import libretranslate as libre_door
from service.errors import DeadlineExceededError, OverloadedError, StoreUnavailableError

TEXT = "Officials met in Tokyo on Monday."


def deepl_error(response, status: int) -> str:
    assert response.status_code == status, response.data
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"message"}
    assert body["message"]
    return body["message"]


def libre_error(response, status: int) -> str:
    assert response.status_code == status, response.data
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]
    return body["error"]


@pytest.fixture
def keyed(make_app):
    """An app that needs keys, a normal key and a key with a 10-character daily quota."""
    app = make_app(http={"api_keys_required": True, "rate_limit": "1000/minute"})
    keys = app.extensions["briefs.keys"]
    _, key = keys.create("desk")
    _, small = keys.create("small", char_quota=10)
    return app.test_client(), key, small


@pytest.mark.parametrize(("body", "fragment"), [
    ({"text": [TEXT]}, "target_lang"),
    ({"text": [], "target_lang": "JA"}, "text"),
    ({"target_lang": "JA"}, "text"),
    ({"text": [TEXT], "target_lang": "DE"}, "target_lang"),
    ({"text": [TEXT], "target_lang": "JA", "source_lang": "FR"}, "source_lang"),
    ({"text": [TEXT], "target_lang": "JA", "source_lang": "EN", "formality": "less"}, "formality"),
    ({"text": [TEXT], "target_lang": "JA", "formality": "rude"}, "formality"),
    ({"text": [TEXT], "target_lang": "JA", "tag_handling": "markdown"}, "tag_handling"),
    ({"text": [TEXT], "target_lang": "JA", "split_sentences": "2"}, "split_sentences"),
    ({"text": [TEXT], "target_lang": "JA", "glossary_id": "abc"}, "source_lang"),
])
def test_deepl_bad_parameters_are_400(client, body, fragment):
    assert fragment in deepl_error(client.post("/v2/translate", json=body), 400)


def test_deepl_malformed_json_is_400(client):
    deepl_error(client.post("/v2/translate", data="{nope", content_type="application/json"), 400)


def test_deepl_unknown_glossary_is_404(client):
    body = {"text": [TEXT], "target_lang": "JA", "source_lang": "EN", "glossary_id": "no-such-glossary"}
    deepl_error(client.post("/v2/translate", json=body), 404)


def test_deepl_text_over_the_limit_is_413(make_app):
    client = make_app(limits={"max_chars": 20}).test_client()
    deepl_error(client.post("/v2/translate", json={"text": [TEXT], "target_lang": "JA", "source_lang": "EN"}), 413)


@pytest.mark.parametrize("header", [None, "DeepL-Auth-Key bk_00000000.wrong"])
def test_deepl_missing_or_wrong_key_is_403(keyed, header):
    client, _, _ = keyed
    headers = {"Authorization": header} if header else {}
    deepl_error(client.post("/v2/translate", json={"text": [TEXT], "target_lang": "JA"}, headers=headers), 403)


def test_deepl_exhausted_quota_is_456(keyed):
    client, _, small = keyed
    headers = {"Authorization": f"DeepL-Auth-Key {small}"}
    body = {"text": [TEXT], "target_lang": "JA", "source_lang": "EN"}
    deepl_error(client.post("/v2/translate", json=body, headers=headers), 456)


def test_deepl_rate_limit_is_429(make_app):
    client = make_app(http={"rate_limit": "2/minute"}).test_client()
    for _ in range(2):
        assert client.get("/v2/usage").status_code == 200
    assert "Slowdown" in deepl_error(client.get("/v2/usage"), 429)


def test_deepl_unexpected_error_is_500_without_internals(client, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internal state")

    monkeypatch.setattr(deepl_door, "translate_texts", boom)
    message = deepl_error(client.post("/v2/translate", json={"text": [TEXT], "target_lang": "JA",
                                                             "source_lang": "EN"}), 500)
    assert "secret" not in message
    assert "Traceback" not in message


@pytest.mark.parametrize("error", [StoreUnavailableError("the store database cannot be reached", retry_after=5),
                                   OverloadedError("every model slot is busy", retry_after=2)],
                         ids=["store-down", "overloaded"])
def test_deepl_passing_trouble_is_503_with_retry_after(client, monkeypatch, error):
    def trouble(*args, **kwargs):
        raise error

    monkeypatch.setattr(deepl_door, "translate_texts", trouble)
    response = client.post("/v2/translate", json={"text": [TEXT], "target_lang": "JA", "source_lang": "EN"})
    deepl_error(response, 503)
    assert response.headers["Retry-After"] == str(error.extra["retry_after"])


def test_deepl_unknown_document_is_404(client):
    deepl_error(client.post("/v2/document/ABC", json={"document_key": "x"}), 404)


@pytest.mark.parametrize(("body", "fragment"), [
    ({"source": "en", "target": "ja"}, "q"),
    ({"q": TEXT, "target": "ja"}, "source"),
    ({"q": TEXT, "source": "en", "target": "de"}, "de"),
    ({"q": TEXT, "source": "fr", "target": "ja"}, "fr"),
    ({"q": TEXT, "source": "en", "target": "ja", "format": "pdf"}, "format"),
    ({"q": [], "source": "en", "target": "ja"}, "q"),
    ({"q": TEXT, "source": "en", "target": "ja", "alternatives": 9}, "alternatives"),
])
def test_libre_bad_parameters_are_400(client, body, fragment):
    assert fragment in libre_error(client.post("/translate", json=body), 400)


@pytest.mark.parametrize("count", ["\u00b2", "\u0663", "\uff12", "x"])
def test_libre_alternatives_that_are_not_ascii_digits_are_400_from_a_form_too(client, count):
    """Other scripts' digits (superscript two, Arabic-Indic three, full-width two) are no count: 400, not 500."""
    body = {"q": TEXT, "source": "en", "target": "ja", "alternatives": count}
    assert "alternatives" in libre_error(client.post("/translate", data=body), 400)


def test_libre_unsupported_detected_language_is_400(client):
    body = {"q": "Les responsables se sont réunis lundi pour parler du commerce.", "source": "auto", "target": "ja"}
    libre_error(client.post("/translate", json=body), 400)


@pytest.mark.parametrize("api_key", [None, "bk_00000000.wrong"])
def test_libre_missing_or_wrong_key_is_403(keyed, api_key):
    client, _, _ = keyed
    body = {"q": TEXT, "source": "en", "target": "ja", **({"api_key": api_key} if api_key else {})}
    libre_error(client.post("/translate", data=body), 403)


def test_libre_exhausted_quota_is_429(keyed):
    client, _, small = keyed
    libre_error(client.post("/translate", data={"q": TEXT, "source": "en", "target": "ja", "api_key": small}), 429)


def test_libre_rate_limit_is_429_slowdown(make_app):
    client = make_app(http={"rate_limit": "1/minute"}).test_client()
    body = {"q": "x", "source": "en", "target": "ja"}
    assert client.post("/translate", json=body).status_code == 200
    assert libre_error(client.post("/translate", json=body), 429).startswith("Slowdown")


def test_libre_unexpected_error_is_500_without_internals(client, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internal state")

    monkeypatch.setattr(libre_door, "translate_texts", boom)
    assert "secret" not in libre_error(client.post("/translate", json={"q": TEXT, "source": "en",
                                                                       "target": "ja"}), 500)


@pytest.mark.parametrize(("name", "data"), [("notes.pdf", b"%PDF-1.4"), ("brief.docx", b"not a zip")])
def test_libre_file_of_a_bad_type_is_400(client, name, data):
    import io

    response = client.post("/translate_file", data={"source": "en", "target": "ja", "file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    libre_error(response, 400)


def test_unknown_download_is_404(client):
    libre_error(client.get("/download_file/nothing/brief.txt"), 404)


# A missing model is a 503 on both doors (retrying later may help; a 500 says it never will).
@pytest.mark.parametrize(("path", "field", "status"), [("/v2/translate", "message", 503), ("/translate", "error", 503)])
def test_errors_on_the_doors_name_no_server_folder(make_app, monkeypatch, path: str, field: str,
                                                   status: int) -> None:
    from service.errors import ModelMissingError
    from tests.fakes import FakeModelManager

    app = make_app()
    models_dir = app.extensions["briefs"].settings.models_dir

    def missing(self, source_lang: str, target_lang: str):
        raise ModelMissingError(f"no model for {source_lang}-{target_lang} at {models_dir}/en-ja; "
                                "run `python -m service models pull en-ja`")

    monkeypatch.setattr(FakeModelManager, "translator_for", missing)
    body = {"text": [TEXT], "target_lang": "JA"} if field == "message" else {"q": TEXT, "source": "en",
                                                                              "target": "ja"}
    response = app.test_client().post(path, json=body)
    message = response.get_json()[field]
    assert response.status_code == status
    assert "models pull" in message
    assert str(models_dir) not in message
    assert "<models_dir>/en-ja" in message


# -- LibreTranslate under load or past its deadline: 503 with Retry-After, never 500 ---------------------

@pytest.mark.parametrize("error", [OverloadedError("every model slot is busy", retry_after=2),
                                   DeadlineExceededError("past the 60 s deadline", retry_after=15),
                                   StoreUnavailableError("the store database cannot be reached", retry_after=5)],
                         ids=["overloaded", "deadline", "store-down"])
def test_libre_passing_trouble_is_503_with_retry_after(client, monkeypatch, error):
    def trouble(*args, **kwargs):
        raise error

    monkeypatch.setattr(libre_door, "translate_texts", trouble)
    response = client.post("/translate", json={"q": TEXT, "source": "en", "target": "ja"})
    libre_error(response, 503)
    assert response.headers["Retry-After"] == str(error.extra["retry_after"])


def test_libre_past_a_real_deadline_is_503_with_retry_after(make_app):
    client = make_app(http={"request_deadline_s": 1e-9, "rate_limit": "1000/minute"}).test_client()
    response = client.post("/translate", json={"q": TEXT, "source": "en", "target": "ja"})
    assert "deadline" in libre_error(response, 503)
    assert int(response.headers["Retry-After"]) >= 1


def test_libre_body_over_the_limit_is_413_in_its_shape(make_app):
    client = make_app(http={"max_body_bytes": 1000}).test_client()
    libre_error(client.post("/translate", json={"q": "x" * 2000, "source": "en", "target": "ja"}), 413)


# -- lengths are checked before detection (which is never given more than a bounded sample) ----------

@pytest.fixture
def no_detection(monkeypatch):
    """Detection must not run: any call fails the test."""
    from service.api.compat.detection import LanguageDetector

    def refuse(self, *args, **kwargs):
        raise AssertionError("detection ran on a text over the limit")

    monkeypatch.setattr(LanguageDetector, "ranked", refuse)


def test_deepl_text_over_the_limit_without_source_is_413_before_detection(make_app, no_detection):
    app = make_app(limits={"max_chars": 50}, http={"rate_limit": "1000/minute"})
    _, key = app.extensions["briefs.keys"].create("desk")
    client, headers = app.test_client(), {"Authorization": f"DeepL-Auth-Key {key}"}
    response = client.post("/v2/translate", json={"text": ["word " * 20], "target_lang": "JA"}, headers=headers)
    assert "limits.max_chars" in deepl_error(response, 413)
    assert client.get("/v2/usage", headers=headers).get_json()["character_count"] == 0  # a refusal is not charged


@pytest.mark.parametrize(("path", "body"), [
    ("/translate", {"q": "word " * 20, "source": "auto", "target": "ja"}),
    ("/translate", {"q": ["word " * 10, "word " * 10], "source": "auto", "target": "ja"}),
    ("/detect", {"q": "word " * 20}),
])
def test_libre_text_over_the_limit_is_400_before_detection(make_app, no_detection, path, body):
    client = make_app(limits={"max_chars": 50}).test_client()
    assert libre_error(client.post(path, json=body), 400) == "Invalid request: request (100) exceeds text limit (50)"


# -- every path of a door answers in its shape; our own paths keep problem+json ---------------------------

@pytest.mark.parametrize(("method", "path", "status"), [
    ("get", "/v2/nope", 404), ("get", "/v3/glossaries/x/y/z", 404), ("delete", "/v2/translate", 405),
    ("get", "/v3", 404)])
def test_deepl_unrouted_paths_answer_deepls_shape(client, method, path, status):
    deepl_error(getattr(client, method)(path), status)


@pytest.mark.parametrize(("method", "path", "status"), [("get", "/translate", 405), ("put", "/detect", 405),
                                                        ("get", "/download_file/only-a-token", 404)])
def test_libre_unrouted_paths_answer_its_shape(client, method, path, status):
    libre_error(getattr(client, method)(path), status)


def test_a_refusal_before_routing_answers_in_the_doors_shape(keyed):
    client, _, _ = keyed
    deepl_error(client.get("/v2/nope"), 403)
    libre_error(client.get("/download_file/token/name.txt"), 403)


def test_our_own_unknown_paths_stay_problem_json(client):
    from tests.service.api.helpers import assert_problem

    assert_problem(client.get("/v1/nope"), 404)
    assert_problem(client.get("/nope"), 404)


# -- the DeepL features the README lists as missing get exactly the error it names -------------------------

UNSUPPORTED_DEEPL = [
    ("post", "/v2/translate", {"json": {"text": [TEXT], "target_lang": "JA", "source_lang": "EN", "formality": "more"}},
     400, "'formality' is not supported for given 'target_lang'."),
    ("post", "/v2/write/rephrase", {"json": {"text": [TEXT]}},
     404, "not found: this service has no such endpoint (see /openapi.json)"),
    ("get", "/v3/style_rules", {}, 404, "not found: this service has no such endpoint (see /openapi.json)"),
    ("post", "/v2/translate", {"json": {"text": [TEXT], "target_lang": "JA", "style_id": "abc"}},
     400, "Style rules ('style_id') are not supported by this service."),
    ("post", "/v2/translate", {"json": {"text": [TEXT], "target_lang": "JA", "custom_instructions": ["be brief"]}},
     400, "Custom instructions ('custom_instructions') are not supported by this service."),
]


@pytest.mark.parametrize(("method", "path", "options", "status", "message"), UNSUPPORTED_DEEPL,
                         ids=["formality", "rephrase", "style-rules", "style-id", "custom-instructions"])
def test_unsupported_deepl_features_get_the_documented_error(client, method, path, options, status, message):
    assert deepl_error(getattr(client, method)(path, **options), status) == message


@pytest.mark.parametrize(("fields", "message"), [
    ({"output_format": "pdf"}, "Converting a document to another format is not supported by this service: "
                               "leave 'output_format' out, or name the upload's own format."),
    ({"formality": "less"}, "'formality' is not supported for given 'target_lang'."),
])
def test_unsupported_document_options_get_the_documented_error(client, fields, message):
    import io

    form = {"target_lang": "JA", "source_lang": "EN", **fields, "file": (io.BytesIO(b"Officials met."), "a.txt")}
    response = client.post("/v2/document", data=form, content_type="multipart/form-data")
    assert deepl_error(response, 400) == message


def test_an_unsupported_document_type_gets_the_documented_error(client):
    import io

    form = {"target_lang": "JA", "file": (io.BytesIO(b"%PDF-1.4"), "notes.pdf")}
    response = client.post("/v2/document", data=form, content_type="multipart/form-data")
    assert deepl_error(response, 400) == ("Invalid file data: the file extension '.pdf' is not supported; "
                                          "use .txt, .html, .docx, .xlf, .htm, .xliff.")
