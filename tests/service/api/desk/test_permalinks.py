"""Permalinks, the recent-briefs list and reader keys, in the browser."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.service.api.desk.conftest import new_page
from tests.service.api.desk.helpers import article, make_brief, open_desk

pytestmark = pytest.mark.slow


def test_a_stored_brief_has_a_link_that_a_reload_reopens(open_server, page):
    open_desk(page, open_server)
    make_brief(page, article("lighthouse"))
    expect(page).to_have_url(re.compile(r"/briefs/[0-9a-f]{32}$"))
    first = page.inner_text("#seg-s1 td[data-lang=en] .text")
    link = page.get_attribute(".permalink", "href")
    assert link == page.url
    page.reload()
    page.wait_for_selector("#grid tbody tr")
    assert page.inner_text("#seg-s1 td[data-lang=en] .text") == first
    expect(page.locator("#brief-title")).to_have_text(first)
    assert page.title().startswith(first)


def test_recent_briefs_list_title_time_languages_and_review_counts(open_server, page):
    open_desk(page, open_server)
    make_brief(page, article("orchard"))
    bid = page.url.rsplit("/", 1)[1]
    page.focus("#seg-s1")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#progress")).to_contain_text("1 / 6 translations")
    page.goto(open_server.url + "/")
    item = page.locator(f"#recent-list li[data-id='{bid}']")
    expect(item).to_contain_text("Officials met in Tokyo on Monday to discuss the orchard agreement.")
    expect(item).to_contain_text("just now")
    expect(item).to_contain_text("日本語, 한국어")
    expect(item).to_contain_text("0 / 3 segments reviewed")
    item.locator("a").click()
    expect(page).to_have_url(open_server.url + f"/briefs/{bid}")
    expect(page.locator("#seg-s1 td[data-lang=ja]")).to_have_attribute("data-status", "confirmed")


def test_the_old_view_url_leads_to_the_permalink(open_server, page):
    open_desk(page, open_server)
    make_brief(page, article("quarry"))
    bid = page.url.rsplit("/", 1)[1]
    page.goto(open_server.url + f"/v1/briefs/{bid}/view")
    expect(page).to_have_url(open_server.url + f"/briefs/{bid}")
    page.wait_for_selector("#grid tbody tr")


def test_back_and_forward_between_briefs(open_server, page):
    open_desk(page, open_server)
    make_brief(page, article("canal"))
    first = page.url
    make_brief(page, article("viaduct"))
    assert page.url != first
    page.go_back()
    expect(page.locator("#brief-title")).to_contain_text("canal")


def test_a_reader_key_makes_an_unstored_brief_it_cannot_edit(keyed_server, page):
    open_desk(page, keyed_server, key=keyed_server.keys["reader"])
    expect(page.locator("#who")).to_contain_text("reader")
    store = page.locator("#store")
    expect(store).to_be_disabled()
    expect(store).not_to_be_checked()
    expect(page.locator("#store-note")).to_contain_text("reader key")
    requests = []
    page.on("request", lambda r: requests.append((r.method, r.url, r.post_data)) if "/v1/briefs" in r.url else None)
    make_brief(page, article("granary"))
    expect(page.locator("#status")).to_contain_text("not stored: view-only")
    assert page.url == keyed_server.url + "/"
    [(_, _, body)] = [r for r in requests if r[0] == "POST"]
    assert '"store":false' in body
    expect(page.locator(".brief-meta")).to_contain_text("Not stored: view-only")
    assert page.locator("#grid button[data-action]").count() == 0
    page.focus("#seg-s1")
    page.keyboard.press("Enter")
    assert page.locator("#grid textarea").count() == 0
    expect(page.locator("#status")).to_contain_text("view-only")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#seg-s1 td[data-lang=ja]")).to_have_attribute("data-status", "draft")
    expect(page.locator("#tm")).to_contain_text("need a stored brief")
    assert page.locator("#glossary-form").count() == 0


def test_a_reader_opens_a_stored_brief_of_its_team_view_only(keyed_server, page, browser):
    open_desk(page, keyed_server, key=keyed_server.keys["editor"])
    make_brief(page, article("silo"))
    link = page.url
    reader = new_page(browser)
    try:
        open_desk(reader, keyed_server, key=keyed_server.keys["reader"])
        reader.goto(link)
        reader.wait_for_selector("#grid tbody tr")
        expect(reader.locator(".brief-meta")).to_contain_text("view-only for your key")
        assert reader.locator("#grid button[data-action]").count() == 0
        assert reader.errors == []
    finally:
        reader.context.close()


def test_without_a_key_the_key_box_opens_and_says_why(keyed_server, page):
    page.goto(keyed_server.url + "/")
    expect(page.locator("#key-box")).to_have_attribute("open", "")
    expect(page.locator("#key-status")).to_contain_text("needs an API key")
    page.fill("#api-key", "bk_not_a_real_key")
    page.click("#key-form button[type=submit]")
    expect(page.locator("#key-status")).to_contain_text("does not accept this API key")
    assert "Authorization" not in page.inner_text("body")


def test_the_headline_is_the_title_row_and_what_was_left_out_is_listed(open_server, page):
    text = "Harbour Talks Open In Tokyo\n\n" + article("breakwater") + "\n\nPrint | Email\n\n###"
    open_desk(page, open_server)
    make_brief(page, text, sentences=2)
    expect(page.locator("#brief-title")).to_have_text("Harbour Talks Open In Tokyo")
    rows = page.eval_on_selector_all("#grid tbody tr", "rows => rows.map(r => r.dataset.segment)")
    assert rows == ["title", "s1", "s2"]
    expect(page.locator("#progress")).to_have_text("0 / 3 segments confirmed · 0 / 6 translations")
    page.focus("#seg-title")
    page.keyboard.press("Control+Enter")  # the title is reviewed like a segment
    expect(page.locator("#seg-s1")).to_be_focused()
    expect(page.locator("#seg-title td[data-lang=ja]")).to_have_attribute("data-status", "confirmed")
    dropped = page.locator("details.dropped")
    expect(dropped.locator("summary")).to_have_text("Left out of the brief (2)")
    assert dropped.locator("li").all_text_contents() == ["navigation: Print | Email", "end-mark: ###"]
    page.click("#compose-box summary")
    expect(page.locator("#recent-list li").first).to_contain_text("Harbour Talks Open In Tokyo")
    expect(page.locator("#recent-list li").first).to_contain_text("0 / 3 segments reviewed")
