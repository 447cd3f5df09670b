"""The heuristic name detector: what it takes for a name, and what it must not (issue 19's list)."""
from __future__ import annotations

import pytest

from service.glossary.detection import KnownSpan
from service.glossary.heuristic import HeuristicDetector
from service.glossary.heuristic_words import is_demonym_of


def names(text: str, known=(), context=()) -> list[str]:
    spans = [KnownSpan(s, e) for s, e in known]
    return [n.name for n in HeuristicDetector().detect([text], known=[spans], context=context)[0]]


def found(text: str, context=()) -> dict[str, tuple[str, bool]]:
    return {n.name: (n.type, n.titled) for n in HeuristicDetector().detect([text], context=context)[0]}


@pytest.mark.parametrize(("text", "expected"), [
    ("Secretary of State Antony Blinken arrived.", ["Antony Blinken"]),
    ("Secretary of Defense Lloyd Austin spoke.", ["Lloyd Austin"]),
    ("They met President Joe Biden on Monday.", ["Joe Biden"]),
    ("South Korean Defense Minister Shin Won-sik signed it.", ["Shin Won-sik"]),
    ("said Japanese Defense Secretary Kamikawa, adding more.", ["Kamikawa"]),
    ("Prime Minister Fumio Kishida and Joe Biden met.", ["Fumio Kishida", "Joe Biden"]),
    ("The meeting took place in Hawaii last week.", ["Hawaii"]),
    ("George W. Bush spoke.", ["George W. Bush"]),
    ("The talks ended.", []),                                   # sentence-initial function word
    ("Officials met in March and April.", []),                  # months are not names
    ("It was a Monday.", []),
    ("Japanese production grew.", []),                          # demonym
    ("Austin also pointed out the risks.", []),                 # a lone sentence-initial word is ambiguous
    ("USA And Japan Condemn Russia's Military Cooperation With China", []),  # headline Title Case
    ("", []),
])
def test_detects_names(text: str, expected: list[str]) -> None:
    assert names(text) == expected


# Issue 19: capitalised common words were learned as names ("Ministers", "Meeting", "Dialogue",
# "Summits", "Ministerial", "Affairs", "Jr"); each bad input has its own case.
@pytest.mark.parametrize("text", [
    "The Ministers agreed to meet again next year.",
    "They will report at the next Meeting.",
    "The Dialogue will convene again in the autumn.",
    "Leaders praised the two Summits held this year.",
    "A Ministerial was held on the margins of the forum.",
    "Officials from Foreign Affairs attended the briefing.",
    "The suffix Jr is no name, and neither is Sr or III.",
    "They reaffirmed the strength of the Alliance.",
    "The Statement was issued on Friday.",
    "The Trilateral Ministerial Meeting ended on Friday.",
])
def test_generic_title_case_words_are_not_names(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize("text", ["READOUT", "OFFICE OF THE SPOKESPERSON", "FACT SHEET: Leaders Meet In Lima",
                                  "TOKYO (AP) — The ports reopened on Monday.",
                                  "SEOUL, Dec. 3 (Yonhap) -- The budget passed."])
def test_all_caps_headings_are_not_names(text: str) -> None:
    assert names(text) == []


# A word after a wire dateline opens its sentence: capitalised there, it is no name ("Ports" was learned).
@pytest.mark.parametrize(("text", "expected"), [
    ("TOKYO (AP) — Ports across the region reopened.", []),
    ("NEW YORK — Markets rallied on Friday.", []),
    ("SEOUL, Dec. 3 (Yonhap) -- Talks resumed on Monday.", []),
    ("TOKYO (AP) — Ports near Osaka reopened.", ["Osaka"]),
])
def test_the_word_after_a_dateline_opens_the_sentence(text: str, expected: list[str]) -> None:
    assert names(text, context=[text]) == expected


# "and" joins the parts of one institution's name, not one title to the next person's title.
@pytest.mark.parametrize(("text", "expected"), [
    ("He met the US Secretary of Defense and South Korean Defense Minister Shin Won-sik.", ["US", "Shin Won-sik"]),
    ("The Ministry of Oceans and Fisheries said so.", ["Ministry of Oceans and Fisheries"]),
])
def test_and_before_a_peoples_adjective_ends_the_name(text: str, expected: list[str]) -> None:
    assert names(text) == expected


# A short Title Case headline: its common words are no name; a name alone on a line still is one.
ARTICLE = ["The ferry strike ends after a month.", "Port talks resume next week, officials said."]


@pytest.mark.parametrize(("text", "expected"), [
    ("Ferry Strike Ends", []),
    ("Port Talks Resume", []),
    ("Kim Tong-hyung", ["Kim Tong-hyung"]),  # no word of it in lower case in the article
])
def test_a_short_headline_is_not_a_name(text: str, expected: list[str]) -> None:
    assert names(text, context=ARTICLE) == expected


def test_a_title_joined_to_a_name_stays_with_the_name() -> None:
    assert found("Foreign Minister Park briefed the press.") == {"Park": ("person", True)}
    assert found("Then Secretary Blinken and Foreign Minister Park Jin spoke.") == {
        "Blinken": ("person", True), "Park Jin": ("person", True)}


@pytest.mark.parametrize(("text", "expected"), [
    ("President Joseph R. Biden, Jr. will host the talks.", ["Joseph R. Biden, Jr."]),
    ("Secretary Lloyd J. Austin III hosted the talks.", ["Lloyd J. Austin III"]),
    ("Commandant Dana K. Whitcombe Sr. spoke.", ["Dana K. Whitcombe Sr."]),
])
def test_suffixes_stay_with_the_name(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Officials at the Ministry of Finance have warned.", ["Ministry of Finance"]),
    ("It signed the Mutual Defense Treaty in 1951.", ["Mutual Defense Treaty"]),
    ("They met at the Ministry of Economy, Trade and Industry on Monday.", ["Ministry of Economy, Trade and Industry"]),
    ("The Meteorology, Climatology and Geophysical Agency said so.",
     ["Meteorology, Climatology and Geophysical Agency"]),
    ("Delegates met at the Shangri-La Dialogue in June.", ["Shangri-La Dialogue"]),
])
def test_institution_words_make_a_name_of_common_words(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_a_longer_name_may_contain_a_glossary_match() -> None:
    text = "The Bank of Japan held rates, said the Tokyo Stock Exchange."
    known = [(text.index("Japan"), text.index("Japan") + 5), (text.index("Tokyo"), text.index("Tokyo") + 5)]
    assert names(text, known) == ["Bank of Japan", "Tokyo Stock Exchange"]


def test_a_known_name_alone_is_not_detected_again() -> None:
    text = "Secretary of Defense Lloyd Austin visited Tokyo."
    start = text.index("Lloyd Austin")
    assert names(text, [(start, start + len("Lloyd Austin"))]) == ["Tokyo"]


def test_the_article_tells_a_name_from_a_common_word_that_opens_a_sentence() -> None:
    text = "Rival Samsung Electronics reported higher profits."
    assert names(text, context=[text, "Its rival said sales rose."]) == ["Samsung Electronics"]
    assert names("Takeshi Ohara said wages would rise.") == ["Takeshi Ohara"]


def test_spans_point_at_names() -> None:
    text = "In Tokyo, President Joe Biden met Shin Won-sik."
    for name in HeuristicDetector().detect([text])[0]:
        assert text[name.start:name.end] == name.name
        assert name.detector == "heuristic"


def test_detect_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        HeuristicDetector().detect([None])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        HeuristicDetector().detect("one text")


@pytest.mark.parametrize(("name", "place", "expected"), [
    ("South Korean", "South Korea", True),
    ("North Korean", "North Korea", True),
    ("Chinese", "China", True),
    ("Taiwanese", "Taiwan", True),
    ("Ukrainian", "Ukraine", True),
    ("South Korea", "South Korea", False),
    ("Tawain", "Taiwan", False),
    ("South Koreans Group", "South Korea", False),
])
def test_is_demonym_of(name: str, place: str, expected: bool) -> None:
    assert is_demonym_of(name, place) is expected
