"""No 500 from input: every malformed JSON body is a 400 problem on every /v1 endpoint that takes one."""
from __future__ import annotations

import pytest

from service.api.strict_json import MalformedJson, strict_loads
from tests.service.api.helpers import assert_problem

TEXT = b'"Officials met in Tokyo. They talked."'
# One body per bad input the issue names; each is refused before any door reads it.
BAD_BODIES = {
    "nesting-depth": b'{"text": ' + TEXT + b', "x": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    "nesting-past-limit": b'{"text": ' + TEXT + b', "x": ' + b"[" * 40 + b"]" * 40 + b"}",
    "invalid-utf8": b'{"text": "Officials \xff\xfe met."}',
    "lone-high-surrogate": b'{"text": "Officials \\ud800 met in Tokyo."}',
    "lone-low-surrogate": b'{"segments": ["\\udc00"], "text": "x"}',
    "surrogate-in-key": b'{"\\ud83d": 1}',
    "huge-integer": b'{"text": ' + TEXT + b', "sentences": 1' + b"0" * 5000 + b"}",
    "float-overflow": b'{"text": ' + TEXT + b', "ratio": 1e400}',
    "nan": b'{"text": ' + TEXT + b', "ratio": NaN}',
    "infinity": b'{"text": ' + TEXT + b', "sentences": -Infinity}',
    "duplicate-keys": b'{"text": ' + TEXT + b', "text": "Other text. Here."}',
    "truncated": b'{"text": ' + TEXT,
}
# Wrong types pass the JSON check and fail validation: 422 (or 400 for a body that is no object).
WRONG_TYPES = {
    "text-number": b'{"text": 5}',
    "body-array": b"[1, 2]",
    "body-string": b'"text"',
    "body-null": b"null",
    "rendering-object": b'{"segments": ["Hi there."], "inline_glossary": [{"source": "x", "renderings": {"ja": {}}}]}',
    "sentences-string": b'{"text": ' + TEXT + b', "sentences": "three"}',
}


def body_routes(app) -> list[tuple[str, str]]:
    """Every /v1 route and method that may carry a body, with placeholder path values."""
    out = []
    for rule in app.url_map.iter_rules():
        if not str(rule).startswith("/v1/"):
            continue
        path = str(rule)
        for arg in rule.arguments:
            path = path.replace(f"<{arg}>", "x").replace(f"<path:{arg}>", "x").replace(f"<string:{arg}>", "x")
        out += [(m, path) for m in sorted(rule.methods or ()) if m in ("POST", "PUT", "PATCH", "DELETE")]
    return out


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_malformed_body_is_a_400_problem_on_every_v1_endpoint(app, client, name, caplog):
    routes = body_routes(app)
    assert len(routes) >= 8
    for method, path in routes:
        response = client.open(path, method=method, data=BAD_BODIES[name], content_type="application/json")
        body = assert_problem(response, 400, "bad-request")
        assert "Traceback" not in body["detail"], (method, path)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


@pytest.mark.parametrize("name", sorted(WRONG_TYPES))
def test_wrong_types_are_4xx_problems_never_500(app, client, name, caplog):
    for method, path in body_routes(app):
        response = client.open(path, method=method, data=WRONG_TYPES[name], content_type="application/json")
        assert response.status_code < 500, (method, path, response.data)
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json", (method, path)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


@pytest.mark.parametrize("name", ["nesting-depth", "lone-high-surrogate", "duplicate-keys", "nan"])
def test_compatibility_doors_refuse_malformed_json_in_their_own_shape(client, name):
    response = client.post("/v2/translate", data=BAD_BODIES[name], content_type="application/json")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(("data", "reason"), [
    (b'{"a": 1, "a": 2}', "repeats the key"),
    (b"[" * 33 + b"]" * 33, "nested more than 32"),
    (b'"\\udfff"', "surrogate"),
    (b"1" * 41, "more than 40 digits"),
    (b"-1e999", "out of range"),
    (b"Infinity", "not a JSON number"),
])
def test_strict_loads_says_why(data, reason):
    with pytest.raises(MalformedJson) as caught:
        strict_loads(data, max_depth=32)
    assert reason in caught.value.description


def test_strict_loads_reads_plain_json_unchanged():
    data = '{"text": "東京で会談。", "n": [1, 2.5, -3, true, null], "o": {"k": "\\ud83d\\ude00"}}'
    assert strict_loads(data, max_depth=32) == {"text": "東京で会談。", "n": [1, 2.5, -3, True, None], "o": {"k": "😀"}}
