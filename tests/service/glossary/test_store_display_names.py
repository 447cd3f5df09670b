"""Display names (migration 6) on both backends: any text beside the store name, which stays the key."""
from __future__ import annotations

import pytest

from service.errors import BadInputError
from service.glossary.model import GlossaryEntry
from service.glossary.store import GlossaryStore

ENTRY = GlossaryEntry("Kihara", {"ja": "木原"})
SHOWN = "cat-tool: project 1234 <5f0c…> — 用語集"


@pytest.fixture
def store(store_url):
    opened = GlossaryStore(store_url)
    yield opened
    opened.close()


def test_a_display_name_is_kept_beside_the_name(store):
    made = store.create("desk", [ENTRY], display_name=SHOWN)
    assert (made.name, made.display_name) == ("desk", SHOWN)
    assert store.get("desk").display_name == SHOWN
    listed = {g.name: g for g in store.list_glossaries()}
    assert listed["desk"].display_name == SHOWN
    assert listed["default"].display_name is None


def test_a_replace_keeps_the_display_name_unless_given_and_the_name_itself_clears_it(store):
    store.create("desk", [ENTRY], display_name=SHOWN)
    assert store.create("desk", [ENTRY], replace=True).display_name == SHOWN
    renamed = store.create("desk", [ENTRY], replace=True, display_name="Desk 2")
    assert (renamed.display_name, renamed.version) == ("Desk 2", 3)
    assert store.create("desk", [ENTRY], replace=True, display_name="desk").display_name is None


def test_display_names_need_not_be_unique(store):
    store.create("one", [ENTRY], display_name=SHOWN)
    store.create("two", [ENTRY], display_name=SHOWN)
    assert sorted(g.name for g in store.list_glossaries() if g.display_name == SHOWN) == ["one", "two"]


@pytest.mark.parametrize("shown", ["", "x" * 1025, "tab\there", "bell\x07", "bidi\u202eoverride", "lone\ud800"])
def test_a_display_name_with_controls_or_out_of_bounds_is_refused_and_nothing_stored(store, shown):
    with pytest.raises(BadInputError):
        store.create("desk", [ENTRY], display_name=shown)
    assert "desk" not in {g.name for g in store.list_glossaries()}


def test_a_display_name_of_1024_characters_is_taken(store):
    assert store.create("desk", [ENTRY], display_name="d" * 1024).display_name == "d" * 1024
