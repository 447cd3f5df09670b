"""The page's modules on the service's data (a headline title, quality flags, streamed events), run in the
browser through their exports."""
from __future__ import annotations

import pytest

from tests.service.api.desk.helpers import article

pytestmark = pytest.mark.slow

SEGMENTS = [{"id": "s1", "en": "Some 50,000 troops left Tokyo.",
             "translations": {"ja": "5,000人の部隊。", "ko": "부대."},
             "provenance": {"ja": "model", "ko": "edited"}, "status": {"ja": "draft", "ko": "edited"},
             "quality": {"ja": {"score": 0.2, "needs_review": True,
                                "flags": [{"kind": "numbers", "detail": "50,000 is missing", "span": [0, 5]}]},
                         "ko": {"score": 0.8, "needs_review": False,
                                "flags": [{"kind": "length", "detail": "short for the source", "span": None}]}}}]
WARNINGS = [{"code": "glossary-repair-dropped", "message": "dropped 'Tokyo'", "segment": "s1", "lang": "ja"},
            {"code": "glossary-repair-dropped", "message": "dropped 'Tokyo'", "segment": "s1", "lang": "ko"},
            {"code": "entity-missing", "message": "lacks 東京", "segment": "s1", "lang": "ja"},
            {"code": "tiny-models", "message": "tiny models"}]


def _call(page, server, module: str, expression: str, arg):
    page.goto(server.url + "/")
    return page.evaluate(f"async (arg) => {{ const m = await import('/desk/static/{module}'); return {expression}; }}",
                         arg)


def test_quality_flags_come_first_by_severity_and_repairs_of_edited_text_are_stale(open_server, page):
    brief = {"segments": SEGMENTS, "entities": [], "meta": {"warnings": WARNINGS, "target_langs": ["ja", "ko"]}}
    items = _call(page, open_server, "qa.js", "m.qaItems(arg).map(i => [i.severity, i.kind, i.lang || null])", brief)
    assert items == [
        ["review", "quality:numbers", "ja"],
        ["check", "quality:length", "ko"],
        ["repair", "glossary-repair-dropped", "ja"],  # ko's was about the model text an edit replaced
        ["review", "entity-missing", "ja"],
        ["note", "tiny-models", None],
    ]


@pytest.mark.parametrize(("title", "expected"), [
    ({"en": "Ferries resume", "translations": {"ja": "フェリー再開"}},
     ["Ferries resume", {"ja": "フェリー再開"}, True]),
    ({"en": "Ferries resume", "ja": "フェリー再開", "ko": "페리 재개"},
     ["Ferries resume", {"ja": "フェリー再開", "ko": "페리 재개"}, True]),
    ("Ferries resume", ["Ferries resume", {}, True]),
    (None, ["Some 50,000 troops left Tokyo.", {}, False]),
])
def test_the_title_is_the_headline_when_the_brief_has_one(open_server, page, title, expected):
    brief = {"segments": SEGMENTS, "meta": {"target_langs": ["ja", "ko"]}, **({"title": title} if title else {})}
    got = _call(page, open_server, "sections.js", "(t => [t.en, t.translations, t.headline])(m.titleOf(arg))", brief)
    assert got == expected


def test_the_brief_streamed_from_the_service_is_its_json_answer(open_server, page):
    body = {"text": "Ferry Link Opens At Dawn\n\n" + article("gantry", storm=True, extra=" near Kestrel Harbour"),
            "sentences": 3, "target_langs": ["ja", "ko"], "include": ["entities", "meta"]}
    script = """async (body) => {
      const m = await import('/desk/static/stream.js');
      const seen = [];
      const streamed = await m.streamBrief(body, (brief, progress) => seen.push([progress.ready, progress.total]));
      const plain = await (await fetch('/v1/briefs', { method: 'POST', body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' } })).json();
      return [seen, streamed, plain];
    }"""
    page.goto(open_server.url + "/")
    seen, streamed, plain = page.evaluate(script, body)
    assert seen == [[0, 4], [1, 4], [2, 4], [3, 4], [4, 4]], "summary, then the title and each segment"
    for brief in (streamed, plain):
        brief["meta"].pop("timings_ms")
    assert streamed["title"]["id"] == "title"
    assert streamed["meta"]["warnings"]
    assert streamed == plain


def test_the_page_knows_every_event_the_service_names(open_server, page):
    page.goto(open_server.url + "/")
    known, named = page.evaluate("""async () => {
      const m = await import('/desk/static/stream.js');
      const spec = await (await fetch('/openapi.json')).json();
      const answer = spec.paths['/v1/briefs'].post.responses['200'].content['text/event-stream'];
      return [m.EVENTS, Object.keys(answer['x-events'])];
    }""")
    assert sorted(known) == sorted(named)


STARTED = {"event": "summary", "data": {"title": None, "source_lang": "en", "target_langs": ["ja"],
                                        "segments": [{"id": "s1", "source_index": 0, "en": "Rain in Tokyo."},
                                                     {"id": "s2", "source_index": 1, "en": "Tokyo dried."}]}}
S1 = {"event": "segment", "data": {"id": "s1", "source_index": 0, "en": "Rain in Tokyo.",
                                   "translations": {"ja": "東京で雨。"}, "provenance": {"ja": "model"},
                                   "status": {"ja": "draft"}, "quality": {}, "entities": [], "warnings": []}}


@pytest.mark.parametrize(("events", "message"), [
    ([STARTED, S1, {"event": "error", "data": {"type": "/problems/deadline-exceeded", "title": "Deadline exceeded",
                                               "status": 504, "detail": "the request took longer than 30 s "
                                               "(http.request_deadline_s)", "code": "deadline-exceeded"}}],
     "Making the brief took too long. Try fewer sentences or a shorter article."),
    ([STARTED, S1, {"event": "error", "data": {"type": "/problems/internal-error", "title": "Internal error",
                                               "status": 500, "detail": "the server failed to finish the brief; "
                                               "the failure was logged", "code": "internal-error"}}],
     "Something went wrong on the server. Try again; if it keeps happening, tell its operator."),
    ([STARTED, S1, {"event": "done", "data": {"segments": 2}}],  # s2 never came
     "The service stopped sending the brief before it was complete. Try again."),
])
def test_an_error_event_or_a_short_stream_is_an_error_in_plain_words(open_server, page, events, message):
    said = _call(page, open_server, "stream.js",
                 "(() => { const brief = m.newBrief({}); try { for (const e of arg) m.applyEvent(brief, e); } "
                 "catch (e) { return e.message; } return 'no error'; })()", events)
    assert said == message
