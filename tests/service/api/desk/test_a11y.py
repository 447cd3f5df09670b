"""axe-core on the desk at 1440x900 and 390x844 (empty, a brief, after an edit), screenshots of the brief,
the QA panel and a popover at both sizes, and hostile text inert in every element that shows text."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.service.api.desk.conftest import NARROW, WIDE, new_page
from tests.service.api.desk.helpers import HOSTILE, article, expect_status, make_brief, open_desk, shoot

pytestmark = pytest.mark.slow
BLOCKING = ("serious", "critical")


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations on the page as it is, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in BLOCKING]


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1440x900", "390x844"])
def test_axe_finds_nothing_serious_and_the_screens_are_captured(open_server, browser, shots, viewport):
    size = f"{viewport['width']}x{viewport['height']}"
    page = new_page(browser, viewport)
    try:
        open_desk(page, open_server)
        page.wait_for_load_state("networkidle")
        assert axe_violations(page) == [], "empty page"

        make_brief(page, article(f"storm-{size}", storm=True, extra=" near Kestrel Harbour"), sentences=3)
        assert axe_violations(page) == [], "a brief"
        shoot(page, shots, f"brief-{size}")

        page.locator("#qa .qa-repairs summary").click()
        page.locator("#qa").scroll_into_view_if_needed()
        page.locator("#qa").screenshot(path=str(shots / f"qa-panel-{size}.png"))

        page.locator("#seg-s2 td[data-lang=en] mark.ent").first.hover()
        expect(page.locator("#popover")).to_be_visible()
        assert axe_violations(page) == [], "a popover"
        shoot(page, shots, f"popover-{size}", full=False)
        page.mouse.move(0, 0)

        cell = page.locator("#seg-s1 td[data-lang=ja]")
        cell.locator("button[data-action=edit]").click()
        assert axe_violations(page) == [], "an open edit"
        cell.locator("textarea").fill("月曜日に東京で協定を協議した。")
        page.keyboard.press("Control+Enter")
        expect_status(page, "s1", "ja", "confirmed")
        page.keyboard.press("Escape")
        assert axe_violations(page) == [], "after an edit"
        shoot(page, shots, f"after-edit-{size}")
        assert page.errors == []
    finally:
        page.context.close()
    assert (shots / f"popover-{size}.png").stat().st_size > 10_000


def test_hostile_text_stays_inert_in_every_element(open_server, page):
    from service.memory.files import MemoryUnit

    first = f"{HOSTILE} Officials met in Tokyo on Monday near Kestrel Harbour."
    open_server.resources.memories.add_units("hostile-tm", [MemoryUnit(
        "en", "ko", first.replace("Monday", "Sunday"), f"{HOSTILE} 도쿄", "test")])
    open_desk(page, open_server)
    make_brief(page, f"{first} " + article("mole"), sentences=3)
    # Title and grid: the markup shows as text.
    expect(page.locator("#brief-title")).to_contain_text("<script>alert(1)</script>")
    expect(page.locator("#seg-s1 td[data-lang=en] .text")).to_contain_text("<img src=x onerror=alert(2)>")
    # Memory panel: a match whose translation carries markup.
    page.check("input[name=review-lang][value=ko]")
    page.focus("#seg-s1")
    expect(page.locator("#tm .tm-match").first).to_contain_text("<script>alert(1)</script> &amp; ]]>")
    # QA panel: the memory suggestion quotes it.
    expect(page.locator("#qa")).to_contain_text("<img src=x onerror=alert(2)>")
    # Popover: a learned name's renderings are tag-like ("<ja> Kestrel Harbour").
    page.locator("#seg-s1 td[data-lang=en] mark.ent", has_text="Kestrel Harbour").hover()
    expect(page.locator("#popover")).to_contain_text("<ja> Kestrel Harbour")
    page.mouse.move(0, 0)
    # History: an edit made of markup.
    page.check("input[name=review-lang][value=ja]")
    page.locator("#seg-s2 td[data-lang=ja] button[data-action=edit]").click()
    page.locator("#seg-s2 td[data-lang=ja] textarea").fill(f"{HOSTILE}。")
    page.keyboard.press("Control+Enter")
    expect_status(page, "s2", "ja", "confirmed")
    page.keyboard.press("Escape")
    expect(page.locator(".history")).to_contain_text("<script>alert(1)</script>")
    # The list.
    page.click("#compose-box summary")
    expect(page.locator("#recent-list li").first).to_contain_text("<img src=x onerror=alert(2)>")
    page.locator("#seg-s1 td[data-lang=en] mark.ent").first.hover()
    for region in ("#brief", "#recent", "#popover", "#qa", "#tm"):
        assert page.locator(f"{region} script, {region} img, {region} [onerror]").count() == 0, region
    assert page.evaluate("document.querySelectorAll('script').length") == 1  # the page's own module
