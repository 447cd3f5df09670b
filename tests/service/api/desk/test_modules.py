"""The page's modules on data the service will send once parallel work lands (a headline title, quality
flags, streamed events), run in the browser through their exports."""
from __future__ import annotations

import pytest

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


def test_streamed_events_build_the_brief_segment_by_segment(open_server, page):
    events = [
        {"event": "summary", "data": {"segments": [{"id": "s1", "source_index": 0, "en": "Rain in Tokyo."},
                                                   {"id": "s2", "source_index": 1, "en": "Tokyo dried."}],
                                      "source_lang": "en", "target_langs": ["ja"]}},
        {"event": "segment", "data": {"id": "s1", "source_index": 0, "en": "Rain in Tokyo.",
                                      "translations": {"ja": "東京で雨。"}, "provenance": {"ja": "model"},
                                      "status": {"ja": "draft"},
                                      "entities": [{"source": "Tokyo", "type": "place", "resolution": "glossary",
                                                    "glossary": "default", "renderings": {"ja": "東京"},
                                                    "mentions": [{"segment": "s1", "lang": "en", "start": 8,
                                                                  "end": 13}]}],
                                      "warnings": [{"code": "alignment-multiple", "message": "two", "segment": "s1",
                                                    "lang": "ja"}]}},
        {"event": "segment", "data": {"id": "s2", "source_index": 1, "en": "Tokyo dried.",
                                      "translations": {"ja": "東京は乾いた。"}, "provenance": {"ja": "model"},
                                      "entities": [{"source": "Tokyo", "type": "place", "resolution": "glossary",
                                                    "glossary": "default", "renderings": {"ja": "東京"},
                                                    "mentions": [{"segment": "s2", "lang": "en", "start": 0,
                                                                  "end": 5}]}], "warnings": []}},
        {"event": "done", "data": {"id": "abc"}},
    ]
    script = """(() => {
      const brief = { segments: [], entities: [], meta: { warnings: [], target_langs: [] } };
      const seen = [];
      for (const e of arg) {
        const done = m.applyEvent(brief, e);
        seen.push([e.event, brief.segments.filter(s => Object.keys(s.translations).length).length, done]);
      }
      return [seen, brief.entities.map(e => e.mentions.length), brief.meta.warnings.length, brief.id];
    })()"""
    seen, mentions, warnings, bid = _call(page, open_server, "stream.js", script, events)
    assert seen == [["summary", 0, False], ["segment", 1, False], ["segment", 2, False], ["done", 2, True]]
    assert (mentions, warnings, bid) == ([2], 1, "abc")


def test_an_error_event_is_an_error(open_server, page):
    message = _call(page, open_server, "stream.js",
                    "(() => { try { m.applyEvent({segments: [], entities: [], meta: {warnings: []}}, arg); } "
                    "catch (e) { return e.message; } })()",
                    {"event": "error", "data": {"detail": "the request took too long", "code": "deadline-exceeded"}})
    assert message == "the request took too long"
