"""The reviewer page in a real browser: Playwright driving Debian's chromium, headless.

paste (an article carrying markup, an escaped entity, ``]]>`` and bidi controls: shown as
inert text) → brief → the same entity highlighted in all three columns → edit a sentence →
download XLIFF containing the edit. The screenshot's path is printed (pytest -s shows it).
Skipped where Playwright or a system chromium is missing, except under CI, where it fails.
"""
from __future__ import annotations

import io
import os
import shutil
import threading
import zipfile
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from service.api.app import create_app
from service.exports.xliff import read_xliff
from service.runtime.resources import Resources
from tests.fakes import FakeModelManager
from tests.helpers import make_settings

HOSTILE = "<script>alert(1)</script> &amp; ]]> \u202eevil\u202c"
TITLE = "Port Agreement Talks Open In Tokyo With Seoul Delegates"
ARTICLE = (f"{TITLE}\n\nOfficials met in Tokyo on Monday to discuss a new port agreement {HOSTILE}. "
           "Delegates from Seoul said the talks in Tokyo were frank. A statement is expected in May.\n\n###")
EDITED = "月曜日、東京で港湾協定の会合が開かれた。"
CHROMIUM_NAMES = ("chromium", "chromium-browser")


def _chromium() -> str | None:
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser test cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def server(tmp_path) -> Iterator[str]:
    """The app on the test doubles, served on 127.0.0.1 in a thread."""
    settings = make_settings(tmp_path, http={"rate_limit": "1000/minute", "batch_max_wait_ms": 1})
    app = create_app(settings, resources=Resources(settings, models=FakeModelManager(settings)))
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)


@pytest.mark.slow
def test_paste_brief_highlight_edit_and_download_xliff(server, tmp_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -r requirements-dev.txt)")
    executable = _chromium()
    if executable is None:
        _missing("no system chromium (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            page.set_default_timeout(20_000)
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(server + "/")
            page.fill("#article", ARTICLE)
            page.fill("#sentences", "2")
            page.click("#brief-form button[type=submit]")
            page.wait_for_selector("table.side-by-side tr#seg-s1")

            assert page.text_content("tr#seg-title td[lang=en] .text") == TITLE
            assert "###" not in (page.text_content("table.side-by-side") or "")
            shown = page.text_content("tr#seg-s1 td[lang=en] .text") or ""
            assert "<script>alert(1)</script> &amp; ]]>" in shown, "markup shows as text"
            assert dialogs == []
            assert page.locator("#brief script").count() == 0

            entities = page.eval_on_selector_all(
                "tr#seg-s1 td mark.ent", "marks => marks.map(m => [m.closest('td').lang, m.dataset.entity, "
                                          "m.className, getComputedStyle(m).backgroundColor])")
            by_lang: dict[str, set[str]] = {}
            for lang, entity, _, _ in entities:
                by_lang.setdefault(lang, set()).add(entity)
            shared = by_lang.get("en", set()) & by_lang.get("ja", set()) & by_lang.get("ko", set())
            assert shared, f"an entity highlighted in all three columns: {entities}"
            colours = {colour for _, entity, _, colour in entities if entity in shared}
            assert len(colours) == 1
            assert "rgba(0, 0, 0, 0)" not in colours

            cell = page.locator("tr#seg-s1 td[lang=ja]")
            cell.locator("summary").click()
            cell.locator("textarea").fill(EDITED)
            cell.locator("button[type=submit]").click()
            page.wait_for_selector("tr#seg-s1 td[lang=ja][data-provenance=edited]")
            assert page.inner_text("tr#seg-s1 td[lang=ja] .text") == EDITED

            shot = tmp_path / "desk.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}")

            with page.expect_download() as info:
                page.click("button[data-format=xliff]")
            download = info.value
            with open(download.path(), "rb") as fh:
                data = fh.read()
        finally:
            browser.close()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".ja.xlf")]
        xliff = archive.read(name)
    _, target, segments = read_xliff(xliff)
    assert target == "ja"
    assert [s.id for s in segments][:2] == ["title", "s1"]
    assert segments[0].texts["en"] == TITLE
    assert segments[1].texts["ja"] == EDITED
    assert segments[1].provenance["ja"] == "edited"
