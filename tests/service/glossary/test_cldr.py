"""The CLDR layer: every country and territory from Babel, below default, reported as "cldr"."""
from __future__ import annotations

import pytest
from babel import Locale

from service.glossary.cldr import CLDR_NAME, cldr_glossary
from service.glossary.enforce import GlossaryTranslator
from service.glossary.model import ActiveGlossary, Glossary
from service.glossary.store_schema import load_default_entries
from service.glossary.validation import check_entries
from tests.fakes import TaggingTranslator


@pytest.fixture(scope="module")
def cldr() -> Glossary:
    return cldr_glossary()


def test_every_country_and_territory_of_cldr_is_there(cldr: Glossary) -> None:
    english = Locale.parse("en").territories
    not_places = ("ZZ", "QO", "XA", "XB", "EU", "EZ", "UN")
    countries = {code for code in english if code.isalpha() and code not in not_places}
    assert len(countries) > 240
    present = {e.notes.rsplit(" ", 1)[-1] for e in cldr.entries if e.notes.startswith("CLDR territory")}
    assert countries - present == set()
    assert check_entries(cldr.entries)  # a valid glossary: no term owned twice
    assert all({"ja", "ko"} <= e.renderings.keys() and e.type == "place" for e in cldr.entries)


@pytest.mark.parametrize(("english", "ja", "ko"), [
    ("Fiji", "フィジー", "피지"),
    ("Solomon Islands", "ソロモン諸島", "솔로몬 제도"),
    ("Burma", "ミャンマー", "미얀마"),               # "Myanmar (Burma)": both names, the parenthesis dropped
    ("Cote d'Ivoire", "コートジボワール", "코트디부아르"),  # ASCII spelling of Côte d’Ivoire
    ("Bosnia and Herzegovina", "ボスニア・ヘルツェゴビナ", "보스니아 헤르체고비나"),  # "&" spelled out
    ("Jakarta", "ジャカルタ", "자카르타"),            # an exemplar city
    ("Southeast Asia", "東南アジア", "동남아시아"),     # a region
])
def test_names_and_variants_resolve_to_cldr_renderings(english: str, ja: str, ko: str) -> None:
    translator = GlossaryTranslator(TaggingTranslator(), ActiveGlossary((cldr_glossary(),)), detect_names=False)
    (entity,) = translator.translate_segments([f"They flew to {english} on Monday."], "en", ["ja", "ko"],
                                              ["s1"]).entities
    assert entity.renderings == {"ja": ja, "ko": ko}
    assert (entity.resolution, entity.detector, entity.glossary) == ("cldr", "cldr", None)
    assert entity.rendered_by == {"ja": "cldr", "ko": "cldr"}


def test_default_wins_over_cldr_and_cldr_fills_what_default_lacks() -> None:
    default = Glossary("default", tuple(load_default_entries()), id="d")
    active = ActiveGlossary((default, cldr_glossary()))
    translator = GlossaryTranslator(TaggingTranslator(), active, detect_names=False)
    outcome = translator.translate_segments(["The United States and Fiji signed it."], "en", ["ja", "ko", "zh"],
                                            ["s1"])
    entities = {e.source: e for e in outcome.entities}
    us = entities["United States"]
    assert (us.resolution, us.renderings["ja"], us.renderings["ko"]) == ("glossary", "米国", "미국")
    assert us.rendered_by == {"ja": "default", "ko": "default", "zh": "cldr"}  # default has no Chinese
    assert us.renderings["zh"] == "美国"
    assert entities["Fiji"].resolution == "cldr"


def test_ambiguous_city_names_are_left_out(cldr: Glossary) -> None:
    sources = {e.source for e in cldr.entries}
    assert {"Sydney", "Darwin", "Regina", "Santiago"}.isdisjoint(sources)
    assert {"Sydney", "Darwin"}.isdisjoint({a for e in cldr.entries for a in e.aliases})


def test_a_longer_name_around_a_cldr_place_wins() -> None:
    translator = GlossaryTranslator(TaggingTranslator(), ActiveGlossary((cldr_glossary(),)))
    outcome = translator.translate_segments(["The Federated States of Micronesia joined the patrol."], "en",
                                            ["ja"], ["s1"])
    assert [e.source for e in outcome.entities] == ["Federated States of Micronesia"]


def test_the_layer_name_is_reserved(tmp_path) -> None:
    from service.errors import BadInputError
    from service.glossary.store import GlossaryStore

    store = GlossaryStore(tmp_path / "store.sqlite3")
    with pytest.raises(BadInputError, match="reserved"):
        store.create(CLDR_NAME, [])
    store.close()
