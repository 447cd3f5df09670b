"""Input guards in the browser: the character counter, refusals before sending, busy state, plain messages."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.service.api.desk.helpers import article, make_brief, open_desk

pytestmark = pytest.mark.slow

BIG = ("Officials met in Tokyo on Monday to discuss the port agreement. " * 3200)[:200_000]


def _posts(page) -> list[str]:
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" and "/v1/briefs" in r.url else None)
    return sent


def test_a_200_kb_paste_is_refused_with_the_limit_named_and_the_old_brief_dimmed(open_server, page):
    open_desk(page, open_server)
    make_brief(page, article("wharf"))
    sent = _posts(page)
    page.click("#compose-box summary")
    page.fill("#article", BIG)
    assert len(page.input_value("#article")) == 200_000, "nothing is cut"
    expect(page.locator("#article-count")).to_have_text("200,000 / 100,000 characters")
    expect(page.locator("#article-count")).to_have_class("counter over")
    page.click("#make-brief")
    expect(page.locator("#status")).to_have_text(
        "The article has 200,000 characters; this service takes at most 100,000. "
        "Shorten it or split it into parts, then make the brief.")
    expect(page.locator("#brief")).to_have_class("stale")
    expect(page.locator(".stale-note")).to_contain_text("Previous brief, not made from the text above")
    assert sent == [], "refused before sending"


def test_an_over_long_file_is_refused_and_the_box_keeps_its_text(open_server, page):
    open_desk(page, open_server)
    page.fill("#article", "Short text.")
    page.set_input_files("#article-file", files=[{"name": "long.txt", "mimeType": "text/plain",
                                                  "buffer": BIG.encode()}])
    expect(page.locator("#status")).to_contain_text("The file long.txt has 200,000 characters; "
                                                    "this service takes at most 100,000.")
    assert page.input_value("#article") == "Short text."
    page.set_input_files("#article-file", files=[{"name": "ok.txt", "mimeType": "text/plain",
                                                  "buffer": article("dock").encode()}])
    expect(page.locator("#article")).to_have_value(article("dock"))
    expect(page.locator("#article-count")).to_contain_text(f"{len(article('dock'))} / 100,000")


def test_busy_while_making_a_brief_and_a_failure_is_not_shown_as_current(open_server, page):
    open_desk(page, open_server)
    make_brief(page, article("jetty"))
    held = []
    page.route("**/v1/briefs", lambda route: held.append(route))
    page.click("#compose-box summary")
    page.fill("#article", article("slipway"))
    page.click("#make-brief")
    expect(page.locator("#make-brief")).to_be_disabled()
    expect(page.locator("#make-brief")).to_have_text("Making brief…")
    page.keyboard.press("Control+Enter")  # a second request while busy is not sent
    assert len(held) == 1
    held[0].fulfill(status=503, content_type="application/problem+json", headers={"Retry-After": "7"},
                    body='{"type": "/problems/overloaded", "title": "Service busy", "status": 503, '
                         '"detail": "the service is overloaded (http.max_queue)", "code": "overloaded"}')
    expect(page.locator("#status")).to_have_text("The service is busy right now. Try again in 7 seconds.")
    expect(page.locator("#make-brief")).to_be_enabled()
    expect(page.locator("#brief")).to_have_class("stale")
    assert "jetty" in page.inner_text("#brief-title")


@pytest.mark.parametrize(("status", "problem", "message"), [
    (422, {"code": "validation-failed", "detail": "the request failed validation (target_langs)",
           "errors": [{"location": "json", "field": "target_langs", "message": "Shorter than minimum length 1."}]},
     "Choose at least one target language."),
    (422, {"code": "validation-failed", "detail": "the request failed validation (sentences)",
           "errors": [{"location": "json", "field": "sentences", "message": "Must be between 1 and 1000"}]},
     "The number of sentences: Must be between 1 and 1000."),
    (413, {"code": "text-too-long",
           "detail": "text has 120000 characters, over the limit of 100000 (limits.max_chars)"},
     "The article is too long for this service. text has 120000 characters, over the limit of 100000"),
    (401, {"code": "unauthorized", "detail": "this service needs an API key: send 'Authorization: Bearer <key>'"},
     "This service needs an API key. Enter yours in the API key box."),
    (403, {"code": "forbidden", "detail": "team desk (reader) may not create a stored brief"},
     "Your API key may not do this. Reader keys can make and read briefs, but not store, edit or add to glossaries; "
     "ask for an editor key."),
    (404, {"code": "brief-not-found", "detail": "no stored brief 'x'"},
     "This brief is not stored here: it may have been deleted, or belong to another team."),
    (500, {"code": "internal-error", "detail": "internal error"},
     "Something went wrong on the server. Try again; if it keeps happening, tell its operator."),
])
def test_messages_speak_plainly(open_server, page, status, problem, message):
    page.goto(open_server.url + "/")
    said = page.evaluate("async ([status, problem]) => (await import('/desk/static/api.js')).plainMessage(status, "
                         "problem, null)", [status, problem])
    assert said == message
    for jargon in ("limits.", "target_langs", "Authorization", "Bearer"):
        assert jargon not in said


def test_a_403_opens_the_key_box_where_the_reviewer_is(keyed_server, page):
    open_desk(page, keyed_server, key=keyed_server.keys["editor"])
    page.route("**/v1/briefs", lambda route: route.fulfill(
        status=403, content_type="application/problem+json",
        body='{"type": "/problems/forbidden", "title": "Forbidden", "status": 403, '
             '"detail": "the API key bk_x was revoked", "code": "forbidden"}'))
    page.locator("#key-box summary").click()  # closed
    expect(page.locator("#key-box")).not_to_have_attribute("open", "")
    page.fill("#article", article("basin"))
    page.click("#make-brief")
    expect(page.locator("#key-box")).to_have_attribute("open", "")
    expect(page.locator("#key-status")).to_have_text("This API key was revoked. Enter another in the API key box.")
    expect(page.locator("#api-key")).to_be_focused()


def test_no_target_language_is_refused_before_sending(open_server, page):
    open_desk(page, open_server)
    sent = _posts(page)
    page.fill("#article", article("lock"))
    for box in page.locator("input[name=target_langs]").all():
        box.uncheck()
    page.focus("#article")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#status")).to_have_text("Choose at least one target language.")
    assert sent == []


@pytest.mark.parametrize(("english", "text", "to_check"), [
    ("Talks resume on July 28.", "7月28日に協議再開。", []),
    ("Talks resume on July 28.", "７月２８日に協議再開。", []),  # full-width digits
    ("Some 50,000 troops took part.", "約5万人の部隊が参加。", ["50,000"]),  # a hint only: 5万 is right
    ("Some 50,000 troops took part.", "約50,000人の部隊が参加。", []),
    ("It grew 2.5% in 2026, to $1.5 billion.", "2026年に2.5%伸びた。", ["1.5"]),
])
def test_numbers_the_edit_should_still_show(open_server, page, english, text, to_check):
    page.goto(open_server.url + "/")
    found = page.evaluate("async ([english, text]) => (await import('/desk/static/qa.js')).numbersToCheck(english, "
                          "text)", [english, text])
    assert found == to_check
