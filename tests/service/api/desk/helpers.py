"""The desk tests' translator double, articles and page steps."""
from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path

HOSTILE = "<script>alert(1)</script> &amp; ]]> <img src=x onerror=alert(2)>"
PLACEHOLDER = re.compile(r"\b[A-Z]{2,5}\d+\b")
STORM = "storm"  # sentences with this word lose their name placeholders (the glossary then repairs them)


class DeskTranslator:
    """A TEST DOUBLE, not a translation: ``<lang> `` + the source text, so every output is traceable.

    In sentences that contain "storm" it drops the glossary's name placeholders, as a bad model
    does, so the brief carries repair warnings.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls = 0

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        with self._lock:
            self.calls += 1
        return [self._one(t, target_lang) for t in texts]

    @staticmethod
    def _one(text: str, lang: str) -> str:
        if not text.strip():
            return ""
        if STORM in text:
            text = PLACEHOLDER.sub("", text)
        return f"<{lang}> {text}"


def article(topic: str, *, extra: str = "", storm: bool = False) -> str:
    """A short article of its own (``topic`` keeps memories of different tests apart), naming Tokyo and Seoul."""
    weather = f" A {STORM} delayed the delegates from Seoul and Tokyo." if storm else ""
    return (f"Officials met in Tokyo on Monday to discuss the {topic} agreement.{weather} "
            f"Delegates from Seoul said the {topic} talks in Tokyo were frank{extra}. "
            f"A statement on the {topic} plan is expected in May.")


def open_desk(page, server, key: str | None = None, path: str = "/") -> None:
    """Go to the page (at ``path``), entering ``key`` in the key box when given."""
    page.goto(server.url + path)
    from playwright.sync_api import expect

    if key:
        page.wait_for_load_state("networkidle")  # the page opens the key box itself when it needs a key
        if not page.is_visible("#api-key"):
            page.click("#key-box summary")
        page.fill("#api-key", key)
        page.click("#key-form button[type=submit]")
        expect(page.locator("#who")).to_contain_text("Key")


def make_brief(page, text: str, *, sentences: int = 3) -> None:
    """Paste ``text`` and make its brief; waits until the grid is there and the status says ready."""
    from playwright.sync_api import expect

    if not page.is_visible("#article"):
        page.click("#compose-box summary")
    page.fill("#article", text)
    page.fill("#sentences", str(sentences))
    page.click("#make-brief")
    expect(page.locator("#status")).to_contain_text("Brief ready")
    page.wait_for_selector("#grid tbody tr")


def shoot(page, shots: Path, name: str, *, full: bool = True) -> Path:
    """A screenshot into the run's folder."""
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    return path


def expect_status(page, segment: str, lang: str, status: str) -> None:
    """The translation's status becomes ``status`` (waits for the save to come back)."""
    from playwright.sync_api import expect

    expect(page.locator(f"#seg-{segment} td[data-lang={lang}][data-status]")).to_have_attribute("data-status", status)
