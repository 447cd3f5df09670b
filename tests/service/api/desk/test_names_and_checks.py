"""The QA panel, name popovers and the glossary order, in the browser."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from service.glossary.model import GlossaryEntry
from tests.service.api.desk.helpers import article, expect_status, make_brief, open_desk

pytestmark = pytest.mark.slow

QA_S2_JA = "#qa li[data-segment=s2][data-lang=ja]"


def test_qa_panel_collapses_repairs_and_clears_them_after_an_edit(open_server, page):
    open_desk(page, open_server)
    make_brief(page, article("levee", storm=True))
    repairs = page.locator("#qa .qa-repairs")
    expect(repairs.locator("summary")).to_have_text("4 names restored by the glossary")
    assert repairs.get_attribute("open") is None, "repairs are collapsed"
    assert page.locator("#grid .warning").count() == 0, "no warnings inline"
    expect(page.locator("#seg-s2 td[data-lang=ja] .flag-count")).to_have_count(0)  # repairs are no cell flags
    assert page.locator(QA_S2_JA).count() == 2

    cell = page.locator("#seg-s2 td[data-lang=ja]")
    cell.locator("button[data-action=edit]").click()
    cell.locator("textarea").fill("嵐で代表団が遅れた。")
    expect(page.locator(f"{QA_S2_JA}.pending")).to_have_count(2)  # the old text's checks, struck while editing
    expect(cell.locator(".edit-check")).to_have_text("Missing names: ソウル (Seoul), 東京 (Tokyo).")
    cell.get_by_role("button", name="Save").click()
    expect_status(page, "s2", "ja", "edited")
    # The repairs of the model's text are gone; the edit lost two names: flagged until they are back.
    expect(repairs.locator("summary")).to_have_text("2 names restored by the glossary")
    missing = page.locator(f"{QA_S2_JA}")
    expect(missing).to_have_count(2)
    expect(page.locator("#qa .qa-review")).to_contain_text("Name missing from the translation (2)")
    expect(page.locator("#seg-s2 td[data-lang=ja] .flag-count")).to_contain_text("2 checks")

    missing.first.locator("button").click()
    expect(page.locator("#seg-s2")).to_be_focused()
    page.keyboard.press("Enter")
    page.locator("#seg-s2 td[data-lang=ja] textarea").fill("嵐でソウルと東京の代表団が遅れた。")
    page.keyboard.press("Control+Enter")
    expect_status(page, "s2", "ja", "confirmed")
    expect(page.locator(QA_S2_JA)).to_have_count(0)
    expect(page.locator("#qa-summary")).to_have_text("Nothing needs review.")


def test_a_popover_shows_the_entry_and_lights_the_entity_in_every_column(open_server, page):
    open_desk(page, open_server)
    make_brief(page, article("aqueduct"))
    tokyo = page.locator("#seg-s1 td[data-lang=en] mark.ent", has_text="Tokyo")
    tokyo.hover()
    popover = page.locator("#popover")
    expect(popover).to_be_visible()
    expect(popover.locator("h3")).to_contain_text("Tokyo")
    expect(popover).to_contain_text("place · from a glossary")
    rows = popover.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_text("日本語東京glossary default")
    expect(rows.nth(1)).to_have_text("한국어도쿄glossary default")
    entity = tokyo.get_attribute("data-entity")
    lit = page.eval_on_selector_all(
        "#grid mark.ent.same", "marks => marks.map(m => [m.dataset.entity, m.closest('td').dataset.lang])")
    assert {e for e, _ in lit} == {entity}
    assert {lang for _, lang in lit} == {"en", "ja", "ko"}
    assert len(lit) == page.locator(f"#grid mark.ent[data-entity='{entity}']").count()
    # Distinct colours: Tokyo's and Seoul's differ, and each entity has its number.
    colours = page.eval_on_selector_all(
        "#seg-s2 td[data-lang=en] mark.ent",
        "marks => marks.map(m => [m.dataset.n, getComputedStyle(m).backgroundColor])")
    assert len({c for _, c in colours}) == len(colours) == 2
    assert {n for n, _ in colours} == {"1", "2"}

    # Keyboard: a name's popover on focus; Enter goes in, Esc comes back.
    page.mouse.move(0, 0)
    expect(popover).to_be_hidden()
    page.focus("#seg-s2")
    page.keyboard.press("ArrowRight")
    expect(popover).to_be_visible()
    expect(popover.locator("h3")).to_contain_text("Seoul")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('#popover') !== null")
    page.keyboard.press("Escape")
    expect(popover).to_be_hidden()
    assert page.evaluate("document.activeElement.textContent") == "Seoul"
    assert page.locator("#grid mark.ent.same").count() == 0


def test_insert_a_term_into_the_open_edit(open_server, page):
    open_desk(page, open_server)
    make_brief(page, article("causeway"))
    cell = page.locator("#seg-s1 td[data-lang=ko]")
    cell.locator("button[data-action=edit]").click()
    area = cell.locator("textarea")
    area.fill("월요일 회의: ")
    page.locator("#seg-s1 td[data-lang=en] mark.ent", has_text="Tokyo").hover()
    page.locator("#popover").get_by_role("button", name="Insert 도쿄").click()
    expect(area).to_have_value("월요일 회의: 도쿄")
    expect(cell.locator(".edit-check")).to_have_text("")


def test_add_a_learned_name_to_a_glossary_from_its_popover(open_server, page):
    open_desk(page, open_server)
    make_brief(page, article("marina", extra=" near Kestrel Harbour"), sentences=2)
    name = page.locator("#seg-s2 td[data-lang=en] mark.ent", has_text="Kestrel Harbour")
    name.hover()
    popover = page.locator("#popover")
    expect(popover).to_contain_text("learned")
    popover.get_by_role("button", name="Add to glossary desk").click()
    expect(popover.locator(".pop-status")).to_have_text("Added Kestrel Harbour to glossary desk. Later briefs use it.")
    glossary = open_server.resources.glossaries.get("desk")
    [entry] = [e for e in glossary.entries if e.source == "Kestrel Harbour"]
    assert entry.renderings == {"ja": "<ja> Kestrel Harbour", "ko": "<ko> Kestrel Harbour"}
    page.click("#compose-box summary")
    expect(page.locator("#glossaries li[data-name=desk]")).to_be_visible()


def test_reordering_the_glossaries_changes_which_rendering_wins(open_server, page):
    store = open_server.resources.glossaries
    store.create("order-a", [GlossaryEntry("Tokyo", {"ja": "東京エー"}, "place")])
    store.create("order-b", [GlossaryEntry("Tokyo", {"ja": "東京ビー"}, "place")])
    bodies = []
    page.on("request", lambda r: bodies.append(json.loads(r.post_data))
            if r.method == "POST" and r.url.endswith("/v1/briefs") else None)
    open_desk(page, open_server)
    names = page.locator("#glossaries li")
    expect(names.filter(has_text="order-a")).to_have_count(1)
    page.check("#glossaries li[data-name=order-a] input")
    page.check("#glossaries li[data-name=order-b] input")
    make_brief(page, article("tunnel"), sentences=1)
    assert bodies[-1]["glossaries"] == ["order-a", "order-b"]
    expect(page.locator("#seg-s1 td[data-lang=ja] mark.ent")).to_have_text("東京エー")
    page.locator("#seg-s1 td[data-lang=en] mark.ent").hover()
    expect(page.locator("#popover tbody tr").first).to_have_text("日本語東京エーglossary order-a")
    # order-a has no Korean: the popover says what gave that one instead.
    expect(page.locator("#popover tbody tr").nth(1)).not_to_contain_text("order-a")

    page.click("#compose-box summary")
    page.get_by_role("button", name="Move order-b up").click()
    expect(page.get_by_role("button", name="Move order-b up")).to_be_focused()
    make_brief(page, article("tunnel"), sentences=1)
    assert bodies[-1]["glossaries"] == ["order-b", "order-a"]
    expect(page.locator("#seg-s1 td[data-lang=ja] mark.ent")).to_have_text("東京ビー")
    # The order holds over a reload (this tab).
    page.goto(open_server.url + "/")
    expect(page.locator("#glossaries li[data-name=order-b] input")).to_be_checked()
    order = page.eval_on_selector_all("#glossaries li", "items => items.map(li => li.dataset.name)")
    assert order.index("order-b") < order.index("order-a")


def test_an_edit_is_checked_for_names_and_numbers_as_it_is_typed(open_server, page):
    open_desk(page, open_server)
    make_brief(page, article("sluice", extra=" after 12 hours"), sentences=2)
    page.focus("#seg-s2")
    page.keyboard.press("Enter")
    area = page.locator("#seg-s2 td[data-lang=ja] textarea")
    check = page.locator("#seg-s2 td[data-lang=ja] .edit-check")
    area.fill("代表団は率直だったと述べた。")
    expect(check).to_have_text("Missing names: ソウル (Seoul), 東京 (Tokyo). Check numbers: 12.")
    area.fill("ソウルの代表団は東京で12時間後に率直だったと述べた。")
    expect(check).to_have_text("")
    page.keyboard.press("Escape")
    expect_status(page, "s2", "ja", "draft")


def test_quality_flags_come_first_in_the_checks(keyed_server, page):
    open_desk(page, keyed_server, key=keyed_server.keys["editor"])
    make_brief(page, article("culvert", extra=" after 12 hours"), sentences=2)
    review = page.locator("#qa .qa-review")
    expect(review).to_be_visible()
    first_kind = review.locator(".qa-kind").first.get_attribute("data-kind") or ""
    assert first_kind.startswith("quality:"), first_kind
    expect(page.locator("#seg-s1 td[data-lang=ja] .flag-count")).to_be_visible()
