"""The reviewer page in a real browser: Playwright driving Debian's chromium, headless.

One browser for the whole session, a fresh context (tab, sessionStorage) per test; two servers on
127.0.0.1 in threads, each with its own store: ``open_server`` in single-user mode (no keys) and
``keyed_server`` with an editor and a reader key and the quality signals on. Screenshots go to
``shots``, a session folder under pytest's tmp dir (its path is printed at the end of the run).
Skipped where Playwright or a system chromium is missing, except under CI, where it fails.
"""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from service.api.app import create_app
from service.runtime.resources import Resources
from service.storage.keys import KeyStore
from tests.fakes import FakeModelManager
from tests.helpers import make_settings
from tests.service.api.desk.helpers import DeskTranslator

CHROMIUM_NAMES = ("chromium", "chromium-browser")
WIDE, NARROW = {"width": 1440, "height": 900}, {"width": 390, "height": 844}


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser test cannot run in CI: {reason}")
    pytest.skip(reason)


@dataclass
class Server:
    url: str
    keys: dict[str, str]  # label -> secret (empty in single-user mode)
    resources: Resources


def _serve(tmp: Path, keyed: bool) -> Iterator[Server]:
    http = {"rate_limit": "10000/minute", "batch_max_wait_ms": 1, "api_keys_required": keyed}
    # The open server leaves the quality signals off (the tagging double's text trips them everywhere), so
    # its tests see exactly the warnings they make; the keyed server has them on, as deployed.
    settings = make_settings(tmp, http=http, quality={"enabled": keyed})
    resources = Resources(settings, models=FakeModelManager(settings, translator=DeskTranslator()))
    app = create_app(settings, resources=resources)
    keys = {}
    if keyed:
        store = KeyStore(settings.database_url)
        keys = {label: store.create(label, team="desk", role=role)[1]
                for label, role in (("editor", "editor"), ("reader", "reader"))}
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_port}", keys, resources)
    finally:
        httpd.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def open_server(tmp_path_factory) -> Iterator[Server]:
    """Single-user mode: no keys, the page may store and edit."""
    yield from _serve(tmp_path_factory.mktemp("desk-open"), keyed=False)


@pytest.fixture(scope="session")
def keyed_server(tmp_path_factory) -> Iterator[Server]:
    """Keys required: ``keys["editor"]`` and ``keys["reader"]`` of team desk."""
    yield from _serve(tmp_path_factory.mktemp("desk-keyed"), keyed=True)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -r requirements-dev.txt)")
    executable = next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)
    if executable is None:
        _missing("no system chromium (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Iterator[Path]:
    """Where the run writes its screenshots (printed at the end of the session)."""
    folder = tmp_path_factory.mktemp("desk-screenshots")
    yield folder
    taken = sorted(folder.glob("*.png"))
    if taken:
        print(f"\ndesk screenshots ({len(taken)}): {folder}")


def new_page(browser, viewport=WIDE):
    """A fresh tab (its own sessionStorage) that fails the test on any script error or dialog."""
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.errors.append("dialog: " + dialog.message), dialog.dismiss()))
    return page


@pytest.fixture
def page(browser):
    """A 1440x900 tab; fails the test if the page raised a script error or opened a dialog."""
    tab = new_page(browser)
    yield tab
    errors = list(tab.errors)
    tab.context.close()
    assert errors == [], errors


@pytest.fixture
def narrow_page(browser):
    """A 390x844 tab (a phone)."""
    tab = new_page(browser, NARROW)
    yield tab
    errors = list(tab.errors)
    tab.context.close()
    assert errors == [], errors
