"""The segment grid in the browser: statuses, the keyboard flow, in-place edits, memory matches, XLIFF state."""
from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import expect

from service.exports.xliff import XLIFF2_NS
from tests.service.api.desk.helpers import article, expect_status, make_brief, open_desk

pytestmark = pytest.mark.slow


def test_one_tab_stop_per_segment_and_names_by_arrow_keys(open_server, page):
    open_desk(page, open_server)
    make_brief(page, article("pier"))
    page.focus("#seg-s1")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "seg-s2", "Tab goes from segment to segment"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "seg-s1"
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("[document.activeElement.tagName, document.activeElement.textContent, "
                            "document.activeElement.closest('td').dataset.lang]")
    assert focused == ["MARK", "Tokyo", "en"]
    names = page.locator("#seg-s1 mark.ent").count()
    for _ in range(names - 1):
        page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.closest('td').dataset.lang") == "ko"
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "seg-s1", "past the last name: back to the segment"
    page.keyboard.press("Alt+ArrowDown")
    assert page.evaluate("document.activeElement.id") == "seg-s2"
    page.keyboard.press("Alt+ArrowUp")
    assert page.evaluate("document.activeElement.id") == "seg-s1"


def test_ctrl_enter_confirms_and_moves_esc_cancels_an_edit(open_server, page):
    open_desk(page, open_server)
    make_brief(page, article("ferry"))
    expect(page.locator("#progress")).to_have_text("0 / 3 segments confirmed · 0 / 6 translations")
    page.focus("#seg-s1")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#seg-s2")).to_be_focused()
    expect_status(page, "s1", "ja", "confirmed")
    expect_status(page, "s1", "ko", "draft")
    expect(page.locator("#seg-s1 td[data-lang=ja] .status")).to_have_text("Confirmed")
    expect(page.locator("#progress")).to_have_text("0 / 3 segments confirmed · 1 / 6 translations")

    page.keyboard.press("Enter")  # edit s2 in place
    editor = page.locator("#seg-s2 td[data-lang=ja] textarea")
    expect(editor).to_be_focused()
    editor.fill("取り消す編集")
    page.keyboard.press("Escape")
    expect(page.locator("#seg-s2")).to_be_focused()
    assert "取り消す編集" not in page.inner_text("#seg-s2 td[data-lang=ja] .text")
    expect_status(page, "s2", "ja", "draft")

    page.keyboard.press("Enter")
    page.locator("#seg-s2 td[data-lang=ja] textarea").fill("東京で代表団が率直に話した。")
    page.keyboard.press("Control+Enter")
    # Saved and confirmed, and the next segment opens for editing.
    expect(page.locator("#seg-s3 td[data-lang=ja] textarea")).to_be_focused()
    expect_status(page, "s2", "ja", "confirmed")
    assert page.inner_text("#seg-s2 td[data-lang=ja] .text") == "東京で代表団が率直に話した。"
    assert page.get_attribute("#seg-s2 td[data-lang=ja]", "data-provenance") == "edited"
    # Alt+↑ from an open edit saves it (as an edit, unconfirmed) and edits the previous segment.
    page.locator("#seg-s3 td[data-lang=ja] textarea").fill("声明は5月に出る。")
    page.keyboard.press("Alt+ArrowUp")
    expect(page.locator("#seg-s2 td[data-lang=ja] textarea")).to_be_focused()
    expect_status(page, "s3", "ja", "edited")
    page.keyboard.press("Escape")

    # The review language switches the column the keys act on.
    page.check("input[name=review-lang][value=ko]")
    page.focus("#seg-s3")
    page.keyboard.press("Control+Enter")
    expect_status(page, "s3", "ko", "confirmed")
    expect(page.locator("#status")).to_contain_text("last segment")
    expect(page.locator("#progress")).to_have_text("0 / 3 segments confirmed · 3 / 6 translations")
    expect(page.locator(".history li")).to_have_count(2)


def test_an_edit_without_confirming_is_edited_and_reopen_undoes_a_confirmation(open_server, page):
    open_desk(page, open_server)
    make_brief(page, article("tram"))
    cell = page.locator("#seg-s1 td[data-lang=ko]")
    cell.locator("button[data-action=edit]").click()
    cell.locator("textarea").fill("도쿄에서 회의가 열렸다.")
    cell.get_by_role("button", name="Save").click()
    expect(page.locator("#seg-s1 td[data-lang=ko]")).to_have_attribute("data-status", "edited")
    page.locator("#seg-s1 td[data-lang=ko] button[data-action=confirm]").click()
    expect(page.locator("#seg-s1 td[data-lang=ko]")).to_have_attribute("data-status", "confirmed")
    page.locator("#seg-s1 td[data-lang=ko] button[data-action=reopen]").click()
    expect(page.locator("#seg-s1 td[data-lang=ko]")).to_have_attribute("data-status", "edited")


def test_confirmed_translations_export_as_final_and_teach_the_memory(open_server, page):
    open_desk(page, open_server)
    make_brief(page, article("bridge"))
    page.focus("#seg-s1")
    page.keyboard.press("Control+Enter")
    with page.expect_download() as info:
        page.click("button[data-format=xliff]")
    with open(info.value.path(), "rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".ja.xlf")]
        xliff = archive.read(name).decode()
    from lxml import etree

    root = etree.fromstring(xliff.encode())
    states = {unit.get("id"): unit.find(f"{{{XLIFF2_NS}}}segment").get("state")
              for unit in root.iter(f"{{{XLIFF2_NS}}}unit")}
    assert states == {"s1": "final", "s2": "translated", "s3": "translated"}
    sentence = page.inner_text("#seg-s1 td[data-lang=en] .text")
    memory = open_server.resources.memories.exact("en", "ja", [sentence])
    assert memory[sentence].target == page.inner_text("#seg-s1 td[data-lang=ja] .text")


def test_a_memory_match_shows_its_score_and_applies_in_one_click(open_server, page):
    memories = open_server.resources.memories
    from service.memory.files import MemoryUnit

    near = "Officials met in Tokyo on Tuesday to discuss the harbour agreement."
    memories.add_units("desk-tm", [MemoryUnit("en", "ja", near, "火曜日に東京で港湾協定を協議した。", "test")])
    open_desk(page, open_server)
    make_brief(page, article("harbour"))
    page.focus("#seg-s1")
    # Other tests' confirmed sentences are similar too: find this one's match among them.
    match = page.locator("#tm .tm-match", has_text="火曜日に東京で港湾協定を協議した。")
    expect(match).to_have_count(1)
    expect(match.locator(".tm-score")).to_contain_text("%")
    expect(match).to_contain_text("desk-tm")
    score = int(match.locator(".tm-score strong").inner_text().rstrip("%"))
    assert 75 <= score < 100
    match.get_by_role("button", name="Apply").click()
    expect(page.locator("#seg-s1 td[data-lang=ja] .text")).to_have_text("火曜日に東京で港湾協定を協議した。")
    expect_status(page, "s1", "ja", "edited")
    # The edit taught the memory: now an exact match, in use, like the fuzzy one applied.
    expect(page.locator("#tm .tm-match").first).to_contain_text("100% exact · memory edits · in use")
    expect(page.locator("#tm .tm-match.in-use")).to_have_count(2)
    # Moving on shows the next segment's matches (other tests' confirmations may be among them).
    page.focus("#seg-s3")
    expect(page.locator("#tm .tm-where")).to_contain_text("segment 3")
    expect(page.locator("#tm")).not_to_contain_text("火曜日")
