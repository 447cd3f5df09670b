"""The page on the real event stream of POST /v1/briefs: segments appear as they arrive, the finished page is
the JSON answer's, an error mid-way is said plainly and leaves an incomplete brief marked so, and JSON still
works when the service answers JSON.

Order, not time: the desk translator holds back every call on a sentence with a given word until the test
releases it, so the first segment is on the page while the later ones are still held (bounded waits only).
"""
from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.service.api.desk.helpers import (
    HOSTILE,
    article,
    axe_violations,
    make_brief,
    open_desk,
    shoot,
    staged_article,
)

pytestmark = pytest.mark.slow

ID = re.compile(r"[0-9a-f]{32}")
PERMALINK = re.compile(r"/briefs/[0-9a-f]{32}$")


def start_brief(page, text: str, *, sentences: int = 4) -> None:
    """Paste ``text`` and ask for its brief, without waiting for it."""
    if not page.is_visible("#article"):
        page.click("#compose-box summary")
    page.fill("#article", text)
    page.fill("#sentences", str(sentences))
    page.click("#make-brief")


def first_segment_only(page) -> None:
    """The new brief is on the page with s1 translated and s2..s4 still to come (held by the translator)."""
    expect(page.locator("#stream-note")).to_contain_text("Being made")
    expect(page.locator("#seg-s1 td[data-pending]")).to_have_count(0)
    expect(page.locator("#seg-s4 td[data-pending]")).to_have_count(2)
    expect(page.locator("#seg-s4 td[data-pending]").first).to_have_text("Translating…")


def stored_total(server) -> int:
    with urllib.request.urlopen(server.url + "/v1/briefs?limit=1", timeout=10) as answer:
        return json.load(answer)["total"]


def brief_view(page) -> str:
    """The brief as shown (title, grid, QA panel, names, parts around them), its id left out."""
    page.wait_for_load_state("networkidle")  # the memory panel's matches have come
    return ID.sub("ID", page.inner_html("#brief")) + "\n" + page.title()


def test_segments_appear_as_the_stream_brings_them_and_a_stored_brief_gets_its_link(open_server, page, shots):
    translator = open_server.resources.models.translator()
    open_desk(page, open_server)
    with translator.holding("breakwater") as release:
        with page.expect_response(lambda r: r.url.endswith("/v1/briefs") and r.request.method == "POST") as answer:
            start_brief(page, staged_article("quayside", "breakwater"))
        assert "text/event-stream" in answer.value.request.headers["accept"]
        assert answer.value.headers["content-type"].startswith("text/event-stream")
        first_segment_only(page)
        expect(page.locator("#seg-s1 td[data-lang=ja] .text")).to_contain_text("<ja> Officials met in")
        expect(page.locator("#status")).to_have_text("Making the brief: 1 of 4 segments translated…")
        expect(page.locator("#make-brief")).to_be_disabled()
        assert page.locator("#brief button[data-action=edit], #brief .permalink").count() == 0
        shoot(page, shots, "stream-arriving")
        release.set()
    expect(page.locator("#status")).to_have_text("Brief ready and stored.")
    expect(page.locator("#grid td[data-pending]")).to_have_count(0)
    expect(page).to_have_url(PERMALINK)
    assert page.get_attribute(".permalink", "href") == page.url
    shown = brief_view(page)
    page.reload()
    page.wait_for_selector("#grid tbody tr")
    assert brief_view(page) == shown, "the permalink reopens the brief the stream made"


def test_the_streamed_page_is_the_one_the_json_answer_shows_and_json_still_works(keyed_server, page):
    text = "Harbour Pact Signed In Tokyo\n\n" + article("pontoon", storm=True, extra=" near Kestrel Harbour") + \
        "\n\nPrint | Email"
    open_desk(page, keyed_server, key=keyed_server.keys["editor"])
    make_brief(page, text, sentences=3)
    expect(page).to_have_url(PERMALINK)
    streamed = brief_view(page)
    for part in ('data-segment="title"', "qa-repairs", "names-table", "dropped"):  # every part to compare
        assert part in streamed

    asked: list[str] = []

    def answer_json(route) -> None:  # the service answers JSON, as one without streaming would
        if route.request.method != "POST":
            return route.continue_()
        asked.append(route.request.headers["accept"])
        return route.continue_(headers={**route.request.headers, "accept": "application/json"})

    page.route("**/v1/briefs", answer_json)
    with page.expect_response(lambda r: r.url.endswith("/v1/briefs") and r.request.method == "POST") as answer:
        make_brief(page, text, sentences=3)
    assert answer.value.headers["content-type"].startswith("application/json")
    assert len(asked) == 1
    assert "text/event-stream" in asked[0]  # the page asked for the stream; the service chose JSON
    expect(page).to_have_url(PERMALINK)
    assert brief_view(page) == streamed


def test_an_error_mid_way_is_said_plainly_and_the_half_brief_is_not_shown_as_complete(open_server, page, shots):
    translator = open_server.resources.models.translator()
    open_desk(page, open_server)
    make_brief(page, article("capstan"))
    before, stored = page.url, stored_total(open_server)
    with translator.holding("bollard") as release, translator.failing("bollard"):
        start_brief(page, staged_article("hawser", "bollard"))
        first_segment_only(page)
        expect(page).to_have_url(open_server.url + "/")  # the old brief's address is not the new one's
        release.set()
        expect(page.locator("#status")).to_have_text(
            "The brief could not be finished. The service has no working translation model for one of these "
            "languages. Tell its operator.")
    expect(page.locator("#brief")).to_have_class(re.compile(r"\bincomplete\b"))
    expect(page.locator(".stale-note")).to_contain_text("Incomplete brief, not stored")
    expect(page.locator("#stream-note")).to_have_text("Incomplete · 1 / 4 segments translated · not stored")
    expect(page.locator("#seg-s4 td[data-pending]").first).to_have_text("Not translated")
    expect(page.locator("#make-brief")).to_be_enabled()
    assert page.locator("#brief button[data-action=edit], #brief .permalink, #brief .downloads").count() == 0
    assert "Brief ready" not in page.inner_text("#status")
    assert page.url == open_server.url + "/"
    assert stored_total(open_server) == stored, "the half brief was not stored"
    assert axe_violations(page) == [], "an incomplete brief"
    shoot(page, shots, "stream-incomplete")
    page.go_back()
    expect(page).to_have_url(before)
    expect(page.locator("#seg-s1 td[data-lang=en] .text")).to_contain_text("capstan")
    expect(page.locator("#brief")).not_to_have_class(re.compile(r"\bincomplete\b"))


def test_hostile_text_stays_inert_and_axe_passes_while_the_brief_streams_in(open_server, page):
    translator = open_server.resources.models.translator()
    open_desk(page, open_server)
    text = f"{HOSTILE} " + staged_article("gangway", "mooring").replace("Kestrel Harbour", f"Kestrel Harbour {HOSTILE}")
    with translator.holding("mooring") as release:
        start_brief(page, text)
        first_segment_only(page)
        expect(page.locator("#seg-s1 td[data-lang=en] .text")).to_contain_text("<img src=x onerror=alert(2)>")
        expect(page.locator("#seg-s3 td[data-lang=en] .text")).to_contain_text("<script>alert(1)</script>")
        assert page.locator("#brief script, #brief img, #brief [onerror]").count() == 0
        assert axe_violations(page) == [], "a brief streaming in"
        release.set()
    expect(page.locator("#status")).to_have_text("Brief ready and stored.")
    expect(page.locator("#seg-s3 td[data-lang=ja] .text")).to_contain_text("<script>alert(1)</script>")
    assert page.locator("#brief script, #brief img, #brief [onerror]").count() == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 1  # the page's own module


def test_leaving_a_brief_that_streams_in_stops_it(open_server, page):
    translator = open_server.resources.models.translator()
    open_desk(page, open_server)
    make_brief(page, article("winch"))
    before = page.url
    with translator.holding("cleat") as release:
        start_brief(page, staged_article("davit", "cleat"))
        first_segment_only(page)
        page.go_back()
        expect(page.locator("#make-brief")).to_be_enabled()  # the request was given up
        release.set()
    expect(page).to_have_url(before)
    expect(page.locator("#seg-s1 td[data-lang=en] .text")).to_contain_text("winch")
    assert "Brief ready" not in page.inner_text("#status")
