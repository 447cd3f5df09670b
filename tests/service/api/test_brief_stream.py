"""POST /v1/briefs with Accept: text/event-stream: a standard SSE client (sseclient-py) parses every event;
the events carry the same brief as the JSON answer; errors before the start keep their status, errors after
it are an ``error`` event."""
from __future__ import annotations

import json
from typing import Any

import pytest
import sseclient

from service.errors import ModelMissingError
from tests.service.api.helpers import assert_problem

STREAM = {"Accept": "text/event-stream"}
ARTICLE = ("Harold Quimby opened the ferry terminal at Port Alder on Tuesday. The crossing takes an hour. "
           "Harold Quimby said tickets go on sale next week. Traders welcomed the news. "
           "The old pier will close in May. A new bus line links the terminal to the town. "
           "Officials expect two million passengers a year. The project cost 40 million dollars.")


def events(response: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every event of a streamed response, as a standard SSE client reads it."""
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/event-stream"
    client = sseclient.SSEClient(response.response)
    return [(event.event, json.loads(event.data)) for event in client.events()]


def test_the_events_come_in_order_and_carry_the_same_brief_as_json(client):
    body = {"text": ARTICLE, "sentences": 6, "target_langs": ["ja", "ko"]}
    streamed = events(client.post("/v1/briefs", json=body, headers=STREAM))
    names = [name for name, _ in streamed]
    assert names == ["summary"] + ["segment"] * 6 + ["entities", "meta", "done"]
    summary = streamed[0][1]
    assert [s["id"] for s in summary["segments"]] == [f"s{n}" for n in range(1, 7)]
    assert summary["target_langs"] == ["ja", "ko"]
    plain = client.post("/v1/briefs", json=body).get_json()
    segments = [data for name, data in streamed if name == "segment"]
    for segment, expected in zip(segments, plain["segments"], strict=True):
        assert {k: segment[k] for k in expected} == expected
    assert [s["en"] for s in summary["segments"]] == [s["en"] for s in plain["segments"]]
    assert streamed[-3][1]["entities"] == plain["entities"]
    meta = streamed[-2][1]
    assert meta["signature"] == plain["meta"]["signature"]
    assert set(meta["timings_ms"]) >= {"segment", "summarize", "translate", "align"}
    assert streamed[-1][1] == {"segments": 6}


def test_a_headline_comes_as_the_title_event_before_the_segments(client):
    article = "Ferry Terminal Opens At Port Alder\n\n" + ARTICLE
    body = {"text": article, "sentences": 3, "target_langs": ["ja"]}
    streamed = events(client.post("/v1/briefs", json=body, headers=STREAM))
    assert [name for name, _ in streamed][:3] == ["summary", "title", "segment"]
    assert streamed[0][1]["title"] == "Ferry Terminal Opens At Port Alder"
    title = streamed[1][1]
    assert title["id"] == "title"
    plain = client.post("/v1/briefs", json=body).get_json()
    assert {k: title[k] for k in plain["title"]} == plain["title"]
    assert [d["id"] for n, d in streamed if n == "segment"] == ["s1", "s2", "s3"]


def test_a_segment_event_carries_its_entities_and_warnings(client):
    streamed = events(client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 3}, headers=STREAM))
    first = next(data for name, data in streamed if name == "segment")
    quimby = next(e for e in first["entities"] if e["source"] == "Harold Quimby")
    assert {m["segment"] for m in quimby["mentions"]} == {"s1"}
    assert isinstance(first["warnings"], list)


def test_include_leaves_out_the_parts_not_asked_for(client):
    streamed = events(client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 2, "include": []},
                                  headers=STREAM))
    assert [name for name, _ in streamed] == ["summary", "segment", "segment", "done"]


def test_a_stored_streamed_brief_names_its_id_in_done(client):
    streamed = events(client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 2, "store": True},
                                  headers=STREAM))
    brief_id = streamed[-1][1]["id"]
    stored = client.get(f"/v1/briefs/{brief_id}").get_json()
    assert [s["en"] for s in stored["segments"]] == [s["en"] for s in streamed[0][1]["segments"]]


@pytest.mark.parametrize(("body", "status"), [
    ({"texts": [ARTICLE]}, 422),  # a stream carries one brief
    ({"text": "   "}, 422),
    ({"text": ARTICLE, "glossaries": ["nope"]}, 404),
    ({"text": ARTICLE, "target_langs": ["fr"]}, 422),
])
def test_refusals_before_the_stream_keep_their_status(client, body, status):
    assert_problem(client.post("/v1/briefs", json=body, headers=STREAM), status)


def test_a_failure_mid_way_is_an_error_event_after_the_segments_already_sent(client, translator, monkeypatch):
    calls = {"n": 0}
    original = translator.translate_batch

    def fail_on_the_third_call(texts, source_lang, target_lang):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ModelMissingError("the en-ja model went away")
        return original(texts, source_lang, target_lang)

    monkeypatch.setattr(translator, "translate_batch", fail_on_the_third_call)
    streamed = events(client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 6, "target_langs": ["ja"]},
                                  headers=STREAM))
    names = [name for name, _ in streamed]
    assert names[0] == "summary"
    assert names[-1] == "error"
    assert "segment" in names
    error = streamed[-1][1]
    assert error["status"] == 503
    assert error["code"] == "model-missing"
    assert error["type"] == "/problems/model-missing"


def test_an_unexpected_failure_is_a_generic_error_event(client, translator, monkeypatch):
    monkeypatch.setattr(translator, "translate_batch", lambda *a: (_ for _ in ()).throw(RuntimeError("secret text")))
    streamed = events(client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 2}, headers=STREAM))
    assert streamed[-1][0] == "error"
    assert streamed[-1][1]["code"] == "internal-error"
    assert "secret" not in json.dumps(streamed)


def test_past_the_deadline_mid_way_is_an_error_event(make_app, translator, monkeypatch):
    import time

    app = make_app(http={"request_deadline_s": 0.3, "rate_limit": "1000/minute"})
    original = translator.translate_batch

    def slow(texts, source_lang, target_lang):
        time.sleep(0.2)
        return original(texts, source_lang, target_lang)

    monkeypatch.setattr(translator, "translate_batch", slow)
    streamed = events(app.test_client().post("/v1/briefs", json={"text": ARTICLE, "sentences": 8,
                                                                  "target_langs": ["ja"]}, headers=STREAM))
    assert streamed[-1][0] == "error"
    assert streamed[-1][1]["code"] == "deadline-exceeded"


def test_json_stays_the_answer_without_the_event_stream_accept(client):
    response = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 2},
                           headers={"Accept": "application/json, text/event-stream;q=0.5"})
    assert response.mimetype == "application/json"
    assert len(response.get_json()["segments"]) == 2


def test_a_stream_holds_its_model_slot_to_the_last_event(make_app, translator, monkeypatch):
    import threading

    app = make_app(http={"model_slots": 1, "max_queue_wait_s": 0.0, "rate_limit": "1000/minute"})
    client = app.test_client()
    inside, go_on = threading.Event(), threading.Event()
    original = translator.translate_batch

    def held(texts, source_lang, target_lang):
        inside.set()
        assert go_on.wait(10)
        return original(texts, source_lang, target_lang)

    monkeypatch.setattr(translator, "translate_batch", held)
    streamed: list[tuple[str, dict[str, Any]]] = []

    def stream() -> None:  # a server iterates a response in the thread that took the request
        response = app.test_client().post("/v1/briefs", json={"text": ARTICLE, "sentences": 2,
                                                               "target_langs": ["ja"]}, headers=STREAM)
        streamed.extend(events(response))

    reader = threading.Thread(target=stream)
    reader.start()
    assert inside.wait(10)  # the stream is translating: its summary took the only slot
    shed = client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 1})
    assert_problem(shed, 503, "overloaded")
    assert "Retry-After" in shed.headers
    go_on.set()
    reader.join(10)
    assert streamed[-1][0] == "done"
    monkeypatch.setattr(translator, "translate_batch", original)
    assert client.post("/v1/briefs", json={"text": ARTICLE, "sentences": 1}).status_code == 200
