"""EntityMatcher: longest match first, aliases, case rules, spelling variants, precedence."""
from __future__ import annotations

import pytest

from service.glossary.matcher import EntityMatcher, matcher_for
from service.glossary.model import ActiveGlossary, Glossary, GlossaryEntry

ENTRIES = (
    GlossaryEntry("Japan", {"ja": "日本"}, "place"),
    GlossaryEntry("United States", {"ja": "米国"}, "place", aliases=("US",)),
    GlossaryEntry("Japan-US", {"ja": "日米"}, "term"),
    GlossaryEntry("Russia", {"ja": "ロシア"}, "place", case_sensitive=False),
    GlossaryEntry("Austin", {"ja": "オースティン"}, "person"),
    GlossaryEntry("Yoko Kamikawa", {"ja": "上川陽子"}, "person"),
    GlossaryEntry("North Korea", {"ja": "北朝鮮"}, "place"),
    GlossaryEntry("Korea", {"ja": "韓国"}, "place"),
    GlossaryEntry("Côte d'Ivoire", {"ja": "コートジボワール"}, "place"),
)


def find(text: str, entries=ENTRIES) -> list[tuple[str, str]]:
    matcher = EntityMatcher(ActiveGlossary((Glossary("default", tuple(entries)),)))
    return [(m.surface, m.entry.source) for m in matcher.find(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Japan", [("Japan", "Japan")]),
    ("the US and Japan", [("US", "United States"), ("Japan", "Japan")]),                 # alias
    ("in the U.S. today", [("U.S.", "United States")]),                                   # dotted acronym
    ("the United States", [("United States", "United States")]),
    ("Japan-US talks", [("Japan-US", "Japan-US")]),                                       # longest first
    ("Japan US talks", [("Japan US", "Japan-US")]),                                       # space for hyphen
    ("Japan–U.S. talks", [("Japan–U.S.", "Japan-US")]),                                   # en dash + dots
    ("Japan - US talks", [("Japan - US", "Japan-US")]),
    ("United\nStates", [("United\nStates", "United States")]),                            # line break
    ("United   States", [("United   States", "United States")]),                          # many spaces
    ("United\u00a0States", [("United\u00a0States", "United States")]),                    # NBSP
    ("Russia's army", [("Russia", "Russia")]),                                            # possessive outside
    ("Russia\u2019s army", [("Russia", "Russia")]),                                       # curly apostrophe
    ("RUSSIA and russia", [("RUSSIA", "Russia"), ("russia", "Russia")]),                  # case-insensitive entry
    ("let us go", []),                                                                    # US is case-sensitive
    ("an Austinite", []),                                                                 # no match inside words
    ("Austin's plan", [("Austin", "Austin")]),
    ("Japanese forces", []),
    ("Kamikawa Yoko said", [("Kamikawa Yoko", "Yoko Kamikawa")]),                        # family name first
    ("Yoko Kamikawa said", [("Yoko Kamikawa", "Yoko Kamikawa")]),
    ("North Korea and Korea", [("North Korea", "North Korea"), ("Korea", "Korea")]),
    ("東京でJapanと", [("Japan", "Japan")]),                                              # CJK is a boundary
    ("Japan2", []),
    ("Côte d’Ivoire", [("Côte d’Ivoire", "Côte d'Ivoire")]),                              # apostrophe variants
    ("", []),
])
def test_find(text: str, expected: list[tuple[str, str]]) -> None:
    assert find(text) == expected


def test_offsets_point_at_surface() -> None:
    text = "Japan and the U.S. met Russia\u2019s envoy."
    matcher = EntityMatcher(ActiveGlossary((Glossary("default", ENTRIES),)))
    for m in matcher.find(text):
        assert text[m.start:m.end] == m.surface


def test_earlier_layer_wins_for_same_term() -> None:
    inline = Glossary("inline", (GlossaryEntry("Japan", {"ja": "ニッポン"}, "place"),))
    default = Glossary("default", ENTRIES)
    matches = EntityMatcher(ActiveGlossary((inline, default))).find("Japan")
    assert [(m.glossary, m.entry.renderings["ja"], m.layer) for m in matches] == [("inline", "ニッポン", 0)]


def test_later_layer_alias_is_shadowed_by_earlier_source() -> None:
    first = Glossary("first", (GlossaryEntry("US", {"ja": "アメリカ"}, "place"),))
    second = Glossary("second", (GlossaryEntry("United States", {"ja": "米国"}, "place", aliases=("US",)),))
    matches = EntityMatcher(ActiveGlossary((first, second))).find("US and United States")
    assert [(m.surface, m.glossary) for m in matches] == [("US", "first"), ("United States", "second")]


def test_overlap_longest_then_earliest() -> None:
    entries = (GlossaryEntry("New York", {"ja": "A"}), GlossaryEntry("York City", {"ja": "B"}),
               GlossaryEntry("New York City", {"ja": "C"}), GlossaryEntry("York", {"ja": "D"}))
    assert find("New York City", entries) == [("New York City", "New York City")]
    assert find("New York", entries[:2]) == [("New York", "New York")]
    assert find("New York City", entries[:2]) == [("York City", "York City")]
    same_length = (GlossaryEntry("Ab Cd", {"ja": "X"}), GlossaryEntry("Cd Ef", {"ja": "Y"}))
    assert find("Ab Cd Ef", same_length) == [("Ab Cd", "Ab Cd")]


def test_no_glossary_finds_nothing() -> None:
    assert EntityMatcher(ActiveGlossary()).find("Japan") == []


def test_find_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        EntityMatcher(ActiveGlossary()).find(None)  # type: ignore[arg-type]


def test_matcher_for_caches_by_content() -> None:
    a = ActiveGlossary((Glossary("inline", (GlossaryEntry("Japan", {"ja": "日本"}),)),))
    b = ActiveGlossary((Glossary("inline", (GlossaryEntry("Japan", {"ja": "日本"}),)),))
    c = ActiveGlossary((Glossary("inline", (GlossaryEntry("Korea", {"ja": "韓国"}),)),))
    assert matcher_for(a) is matcher_for(b)
    assert matcher_for(a) is not matcher_for(c)
    assert [m.surface for m in matcher_for(c).find("Korea and Japan")] == ["Korea"]


NEAR_MISS = ActiveGlossary((Glossary("default", (
    GlossaryEntry("Taiwan", {"ja": "台湾"}, type="place"),
    GlossaryEntry("Lloyd Austin", {"ja": "ロイド・オースティン"}, type="person", aliases=("Austin",)),
)),))


@pytest.mark.parametrize(("name", "expected"), [
    ("Tawain", "Taiwan"),             # two letters rotated: the seed article's typo
    ("Taiwna", "Taiwan"),             # adjacent swap
    ("Lloyd Austen", "Lloyd Austin"),
    ("Taiwan", None),                 # an exact name is a match, not a near miss
    ("Bawain", None),                 # first letter differs
    ("Tai", None),                    # too short to judge
    ("Lloyd", None),                  # word count and length differ
    ("Tokelau", None),
])
def test_closest_suggests_a_glossary_term_one_or_two_edits_away(name, expected):
    near = EntityMatcher(NEAR_MISS).closest(name)
    assert (near.entry.source if near else None) == expected


def test_matcher_for_a_stored_glossary_follows_its_id_and_version() -> None:
    japan, korea = (GlossaryEntry("Japan", {"ja": "日本"}),), (GlossaryEntry("Korea", {"ja": "韓国"}),)
    stored = ActiveGlossary((Glossary("desk", japan, id="g1", version=3),))
    assert matcher_for(stored) is matcher_for(ActiveGlossary((Glossary("desk", japan, id="g1", version=3),)))
    edited = ActiveGlossary((Glossary("desk", korea, id="g1", version=4),))
    assert [m.surface for m in matcher_for(edited).find("Korea and Japan")] == ["Korea"]
    recreated = ActiveGlossary((Glossary("desk", korea, id="g2", version=3),))
    assert matcher_for(recreated) is not matcher_for(stored)
    # An inline layer is hashed whole whatever its id says.
    inline = ActiveGlossary((Glossary("inline", korea, id="inline-x", version=1),))
    assert [m.surface for m in matcher_for(inline).find("Korea and Japan")] == ["Korea"]
    inline_japan = ActiveGlossary((Glossary("inline", japan, id="inline-x", version=1),))
    assert [m.surface for m in matcher_for(inline_japan).find("Korea and Japan")] == ["Japan"]
