"""The desk tests' translator double, articles and page steps."""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from service.errors import ModelMissingError

HOSTILE = "<script>alert(1)</script> &amp; ]]> <img src=x onerror=alert(2)>"
PLACEHOLDER = re.compile(r"\b[A-Z]{2,5}\d+\b")
STORM = "storm"  # sentences with this word lose their name placeholders (the glossary then repairs them)


BLOCKING = ("serious", "critical")  # axe-core impacts that fail a test
HOLD_S = 30  # the longest a held call waits for its release (a failing test must not hang the server)


class DeskTranslator:
    """A TEST DOUBLE, not a translation: ``<lang> `` + the source text, so every output is traceable.

    In sentences that contain "storm" it drops the glossary's name placeholders, as a bad model
    does, so the brief carries repair warnings. A test can hold back calls on sentences with a word
    (``holding``) until it releases them, and make them fail (``failing``), so a streamed brief's
    first segments arrive while its later ones are still held.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls = 0
        self._held: dict[str, threading.Event] = {}
        self._failing: set[str] = set()

    @contextmanager
    def holding(self, word: str) -> Iterator[threading.Event]:
        """Calls with a sentence containing ``word`` wait until the yielded event is set (released on exit)."""
        release = threading.Event()
        self._held[word] = release
        try:
            yield release
        finally:
            release.set()
            self._held.pop(word, None)

    @contextmanager
    def failing(self, word: str) -> Iterator[None]:
        """Calls with a sentence containing ``word`` fail as a missing model does."""
        self._failing.add(word)
        try:
            yield
        finally:
            self._failing.discard(word)

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        with self._lock:
            self.calls += 1
        for word, release in list(self._held.items()):
            if any(word in t for t in texts):
                release.wait(HOLD_S)
        if any(word in t for word in list(self._failing) for t in texts):
            raise ModelMissingError(f"the en-{target_lang} model went away")
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


def staged_article(topic: str, later: str, *, headline: str = "") -> str:
    """Four sentences (a brief of all four streams as parts s1 | s2-s3 | s4): only the first lacks ``later``,
    so a translator holding ``later`` lets the first segment through and keeps the rest back."""
    return ((f"{headline}\n\n" if headline else "") +
            f"Officials met in Tokyo on Monday to discuss the {topic} agreement. "
            f"Delegates from Seoul said the {later} talks in Tokyo were frank. "
            f"The {later} plan names Kestrel Harbour as its port. "
            f"A statement on the {later} schedule is expected in May.")


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


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations on the page as it is, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in BLOCKING]
