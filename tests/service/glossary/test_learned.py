"""Learned names: one isolated translation per name, export and promotion (detection: test_heuristic.py)."""
from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from service.glossary.formats import serialise_glossary
from service.glossary.learned import LearnedGlossary
from service.glossary.store import GlossaryStore


class CountingNameTranslator:
    """Test double: renders a name as ``[lang:name]`` and records every batch it is given."""

    def __init__(self, empty: Sequence[str] = ()) -> None:
        self.calls: list[list[str]] = []
        self.empty = set(empty)
        self._lock = threading.Lock()

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        with self._lock:
            self.calls.append(list(texts))
        return ["" if t in self.empty else f"[{target_lang}:{t}]" for t in texts]


def test_render_many_translates_each_name_once() -> None:
    learned, translator = LearnedGlossary(), CountingNameTranslator()
    assert learned.render_many(["Shin Won-sik"], "ko", translator) == {"Shin Won-sik": "[ko:Shin Won-sik]"}
    assert learned.render_many(["Shin Won-sik"], "ko", translator) == {"Shin Won-sik": "[ko:Shin Won-sik]"}
    assert learned.known("Shin Won-sik", "ko") == "[ko:Shin Won-sik]"
    assert translator.calls == [["Shin Won-sik"]]


def test_render_many_batches_new_names_in_one_call() -> None:
    learned, translator = LearnedGlossary(), CountingNameTranslator()
    learned.render_many(["A One"], "ja", translator)
    result = learned.render_many(["A One", "B Two", "C Three", "B Two"], "ja", translator)
    assert result == {"A One": "[ja:A One]", "B Two": "[ja:B Two]", "C Three": "[ja:C Three]"}
    assert translator.calls == [["A One"], ["B Two", "C Three"]]


def test_empty_rendering_is_unresolved_and_not_retried() -> None:
    learned, translator = LearnedGlossary(), CountingNameTranslator(empty=["Nobody Known"])
    assert learned.render_many(["Nobody Known"], "ja", translator) == {"Nobody Known": None}
    assert learned.render_many(["Nobody Known"], "ja", translator) == {"Nobody Known": None}
    assert translator.calls == [["Nobody Known"]]
    assert learned.entries() == []


def test_entries_can_be_promoted_into_a_glossary_and_exported(tmp_path) -> None:
    learned, translator = LearnedGlossary(), CountingNameTranslator()
    learned.note("Joe Biden", "person")
    learned.render_many(["Joe Biden", "Indo-Pacific"], "ja", translator)
    learned.render_many(["Joe Biden"], "ko", translator)
    entries = {e.source: e for e in learned.entries()}
    assert entries["Joe Biden"].type == "person"
    assert entries["Joe Biden"].renderings == {"ja": "[ja:Joe Biden]", "ko": "[ko:Joe Biden]"}
    store = GlossaryStore(tmp_path / "store.sqlite3")
    promoted = store.create("job-42", learned.entries())
    assert len(promoted.entries) == 2
    assert store.export("job-42", "tsv", target_lang="ko") == b"Joe Biden\t[ko:Joe Biden]\n"
    assert serialise_glossary(learned.entries(), "tsv", target_lang="ja") == (
        b"Joe Biden\t[ja:Joe Biden]\nIndo-Pacific\t[ja:Indo-Pacific]\n")
    store.close()


def test_wrong_output_count_is_an_error() -> None:
    class ShortTranslator:
        def translate_batch(self, texts, source_lang, target_lang):
            return []

    with pytest.raises(ValueError, match="translator returned 0 outputs for 1 names"):
        LearnedGlossary().render_many(["Joe Biden"], "ja", ShortTranslator())


def test_concurrent_renders_agree() -> None:
    learned, translator = LearnedGlossary(), CountingNameTranslator()
    results: list[str | None] = []

    def render() -> None:
        results.append(learned.render_many(["Joe Biden"], "ja", translator)["Joe Biden"])

    threads = [threading.Thread(target=render) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(results) == {"[ja:Joe Biden]"}
