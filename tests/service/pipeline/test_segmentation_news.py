"""News structures: non-content lines, datelines, list items, titles; one table per rule, each with the
look-alikes that must stay prose."""
from __future__ import annotations

import pytest

from service.pipeline.line_kinds import dateline_end, line_kind, trailing_credit
from service.pipeline.segmentation import segment_text, split_sentences
from tests.helpers import REPO_DIR, read_article
from tests.service.pipeline.test_segmentation import check_invariants

LINE_KINDS = [
    ("###", "end-mark"), ("# # #", "end-mark"), ("-30-", "end-mark"), ("- 30 -", "end-mark"),
    ("— END —", "end-mark"), ("(END)", "end-mark"), ("XXX", "end-mark"),
    ("* * *", "rule"), ("________", "rule"), ("-----", "rule"), ("• • •", "rule"), ("◆◆◆", "rule"),
    ("Share this page: Facebook Twitter", "navigation"), ("Print | Email", "navigation"),
    ("English | Japanese | Korean", "navigation"), ("Home > Press > Releases", "navigation"),
    ("Read the full text: English | Japanese", "navigation"), ("Back to top", "navigation"),
    ("Related: Japan-ROK summit", "navigation"), ("Advertisement", "navigation"),
    ("STATEMENTS", "section-label"), ("FOR IMMEDIATE RELEASE", "section-label"), ("BACKGROUND:", "section-label"),
    ("KEY FIGURES", "section-label"), ("Fact Sheet", None),
    ("Source: Ministry of Foreign Affairs of Japan", "metadata"), ("Tags: Japan, Korea", "metadata"),
    ("Reporting by Kim Min-ji; Editing by Jane Doe", "metadata"),
    ("(Reporting by Kim Min-ji; Editing by Jane Doe)", "metadata"),
    ("Copyright 2024 The Associated Press. All rights reserved.", "metadata"),
    ("Posted: Aug. 3, 2023", "metadata"),
    ("By Jane Doe, Associated Press", "byline"), ("By Kim Min-ji and Sato Haruto", "byline"),
    ("(Photo: Ministry of National Defense)", "photo-credit"), ("AP Photo/Lee Jin-man", "photo-credit"),
    ("(AP Photo/Lee Jin-man)", "photo-credit"), ("Yonhap photo", "photo-credit"), ("(Kyodo)", "photo-credit"),
    ("Reuters/Kim Kyung-Hoon", "photo-credit"), ("Photo courtesy of the Ministry of Defense", "photo-credit"),
    # Prose that looks like one of them.
    ("By noon, the talks had ended.", None), ("By Monday officials had agreed", None),
    ("Share prices rose 3 percent on Monday.", None), ("Print media lost readers | a survey", None),
    ("Japan votes | Reuters", None), ("North Korea Fires Missile | Yonhap", None),
    ("Copyright law was amended on Monday.", None), ("Source: the ministry said exports rose 5 percent in May.", None),
    ("The photo by Kim shows the summit.", None), ("Photos by Kim won a national prize last year.", None),
    ("Tags were attached to every crate before it left the port of Busan for Osaka.", None),
    ("U.S.", None), ("N. KOREA FIRES MISSILE INTO SEA", None), ("Japan, U.S. hold talks", None),
    ("30 years later, the talks resumed.", None), ("The End Of An Era", None),
]


@pytest.mark.parametrize(("line", "kind"), LINE_KINDS)
def test_line_kind(line: str, kind: str | None) -> None:
    assert line_kind(line) == kind


def test_capitals_open_a_text_as_a_headline_unless_a_known_label() -> None:
    assert line_kind("TYPHOON HITS OKINAWA", capitals_are_labels=False) is None
    assert line_kind("TYPHOON HITS OKINAWA") == "section-label"
    assert line_kind("READOUT", capitals_are_labels=False) == "section-label"


def test_a_line_in_capitals_inside_a_wrapped_sentence_is_prose() -> None:
    text = "Defense ministers of the alliance and its partners\n(NATO)\nmet in Brussels. Talks ended.\n\nKEY FIGURES"
    segmentation = segment_text(text)
    assert [s.text for s in segmentation.sentences] == [
        "Defense ministers of the alliance and its partners (NATO) met in Brussels.", "Talks ended."]
    assert [(d.kind, d.text) for d in segmentation.dropped] == [("section-label", "KEY FIGURES")]


def test_a_byline_second_line_needs_the_byline_above() -> None:
    assert line_kind("Associated Press", "byline") == "byline"
    assert line_kind("jane.doe@example.com", "byline") == "byline"
    assert line_kind("Associated Press") is None
    assert line_kind("TOKYO (AP) — Japan agreed on Friday.", "byline") is None


DATELINES = [
    ("TOKYO (Reuters) — Japan's prices rose.", "TOKYO (Reuters) —"),
    ("WASHINGTON, July 28 (AP) — The Senate voted.", "WASHINGTON, July 28 (AP) —"),
    ("SEOUL, Jan. 14 (Yonhap) — North Korea fired a missile.", "SEOUL, Jan. 14 (Yonhap) —"),
    ("BUSAN, South Korea (AP) — Thousands gathered.", "BUSAN, South Korea (AP) —"),
    ("SEOUL, Korea — The ministry said so.", "SEOUL, Korea —"),
    ("Tokyo, Japan – Toyota said so.", "Tokyo, Japan –"),
    ("NEW YORK — The council met.", "NEW YORK —"),
    ("TOKYO—Japan's prices rose.", "TOKYO—"),
    ("SEOUL - North Korea fired a missile.", "SEOUL -"),
    ("(Reuters) - Japan's prices rose.", "(Reuters) -"),
    ("Manila (Kyodo) — Japan and the Philippines signed a pact.", "Manila (Kyodo) —"),
    # No dateline.
    ("FILE - A U.S. Air Force bomber flies over the peninsula.", None),
    ("NATO — the alliance — met on Monday.", None),
    ("Japan, South Korea — and the U.S. — agreed.", None),
    ("Kishida — who spoke first — agreed.", None),
    ("The U.S. — along with Japan — agreed.", None),
    ("U.S. — Japan talks resumed.", None),
]


@pytest.mark.parametrize(("sentence", "dateline"), DATELINES)
def test_dateline(sentence: str, dateline: str | None) -> None:
    end = dateline_end(sentence, 0, len(sentence))
    assert (sentence[:end] if end is not None else None) == dateline


def test_only_the_first_body_sentence_carries_a_dateline() -> None:
    text = "Talks Resume\n\nTOKYO (AP) — Talks resumed. SEOUL (AP) — Seoul agreed."
    sentences = split_sentences(text)
    assert [s.dateline for s in sentences] == ["", "TOKYO (AP) —", ""]
    assert sentences[1].content == "Talks resumed."
    assert sentences[1].dateline_end == text.index("—") + 1


TRAILING_CREDITS = [
    ("People watch a TV screen in Seoul on Thursday. (AP Photo/Lee Jin-man)", "(AP Photo/Lee Jin-man)"),
    ("Kishida speaks in Tokyo on Aug. 31. (Kyodo)", "(Kyodo)"),
    ("The minister arrives in Seoul. (Yonhap)", "(Yonhap)"),
    ("Officials met in Seoul (Yonhap) on Monday.", None),
    ("SEOUL (Yonhap) — Exports rose.", None),
    ("The talks ended (AP Photo/Lee)", None),  # no sentence end before it: part of the line
]


@pytest.mark.parametrize(("line", "credit"), TRAILING_CREDITS)
def test_trailing_credit(line: str, credit: str | None) -> None:
    start = trailing_credit(line, 0, len(line))
    assert (line[start:] if start is not None else None) == credit


LISTS = [
    ("Measures:\n1. Export controls.\n2. More sanctions.", ["Measures:", "1. Export controls.", "2. More sanctions."]),
    ("Steps:\n(a) talk\n(b) agree", ["Steps:", "(a) talk", "(b) agree"]),
    ("Steps:\nA) talk\nB) agree", ["Steps:", "A) talk", "B) agree"]),
    ("Pillars:\ni. security;\nii. economy; and\niii. people.", ["Pillars:", "i. security;", "ii. economy; and",
                                                                "iii. people."]),
    ("Figures:\n- Exports: $5 billion\n- Imports: $4 billion", ["Figures:", "- Exports: $5 billion",
                                                               "- Imports: $4 billion"]),
    ("Deliverables: • A working group • Joint training", ["Deliverables:", "• A working group", "• Joint training"]),
    # A wrapped item stays one item; a lead-in ends at its colon even without a list after it.
    ("The leaders agreed to:\n• Hold summits at least\nonce a year;\n• Open a hotline.",
     ["The leaders agreed to:", "• Hold summits at least once a year;", "• Open a hotline."]),
    ("He listed them:\nexports and imports.", ["He listed them:", "exports and imports."]),
    # Not lists: a year, a decimal, an enumeration inside a sentence, dashes and stars in prose.
    ("Sales rose in\n2024. Then fell.", ["Sales rose in 2024.", "Then fell."]),
    ("It grew 3.5 percent. Good.", ["It grew 3.5 percent.", "Good."]),
    ("Two aims: 1) peace and 2) trade. Both matter.", ["Two aims: 1) peace and 2) trade.", "Both matter."]),
    ("The vote — held at night — passed. Lee, a. k. a. the chair, agreed.",
     ["The vote — held at night — passed.", "Lee, a. k. a. the chair, agreed."]),
    ("Prices rose 5 percent * on average. Good.", ["Prices rose 5 percent * on average.", "Good."]),
]


@pytest.mark.parametrize(("text", "expected"), LISTS)
def test_list_items(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected
    check_invariants(text)


ABBREVIATIONS = [
    ("United States (U.S.) Secretary of Defense Lloyd J. Austin III met Republic of Korea (ROK) Minister Shin.",
     1),
    ("Joseph R. Biden, Jr., said so. Charles Q. Brown, Jr. agreed.", 2),
    ("It was accepted by Martin L. Park Jr. The ceremony ended.", 2),
    ("The offer came from Cleveland-Cliffs Inc. Shareholders approved it.", 2),
    ("Samsung Electronics Co. Chairman Lee Jae-yong attended.", 1),
    ("The ceasefire began at 6 p.m. Residents slept.", 2),
    ("It landed at 5:40 a.m. Thursday, officials said.", 1),
    ("It begins at 9 a.m. Tokyo time on Monday.", 1),
    ("He arrived in the U.S. Sunday for a visit.", 1),
    ("We make a good team, you and I. Did you see Albert I. Jones?", 2),
    ("You can find it at N°. 1026.253.553. That is where.", 2),
    ("He served with the 1st Cavalry Division (U.S.). Then he retired.", 2),
    ("Prices rose (sharply.) Then fell.", 2),
]


@pytest.mark.parametrize(("text", "count"), ABBREVIATIONS)
def test_abbreviations_initials_and_brackets(text: str, count: int) -> None:
    assert len(split_sentences(text)) == count, [s.text for s in split_sentences(text)]


ELLIPSES = [
    ('They "will continue ... Tokyo and Seoul are in contact." No details.',
     ['They "will continue ... Tokyo and Seoul are in contact."', "No details."]),
    ("The thing is . . . I did not mean it.", ["The thing is . . . I did not mean it."]),
    ("It ended.... Then silence.", ["It ended....", "Then silence."]),
    ("A compound. . . . The practice went on.", ["A compound.", ". . . The practice went on."]),
    ('"Bohr [...] used stairways [...]" (Smith 55).', ['"Bohr [...] used stairways [...]" (Smith 55).']),
]


@pytest.mark.parametrize(("text", "expected"), ELLIPSES)
def test_ellipses(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


TITLES = [
    # (text, title or None, body sentences)
    ("STATEMENTS\n\nREADOUT\n\nBlinken's Call With Kamikawa\n\nThey spoke today.",
     "Blinken's Call With Kamikawa", ["They spoke today."]),
    ("Japan-U.S. Defense Ministerial Meeting\n(Photo: Ministry of Defense)\n\nThey met.",
     "Japan-U.S. Defense Ministerial Meeting", ["They met."]),
    ("Will The Bank Of Japan Raise Rates Again?\n\nThe bank meets on Tuesday.",
     "Will The Bank Of Japan Raise Rates Again?", ["The bank meets on Tuesday."]),
    ("Share this page: Facebook\n\nTOKYO (AP) — Talks began.", None, ["TOKYO (AP) — Talks began."]),
    ("The ministers agreed to hold the meeting\n\nin Tokyo next year. Details later.",
     None, ["The ministers agreed to hold the meeting in Tokyo next year.", "Details later."]),
    ("Key measures\n• Export controls\n• Sanctions", None, ["Key measures", "• Export controls", "• Sanctions"]),
    ("A lone line with no end", None, ["A lone line with no end"]),
    ("Summit Opens\n\n###", None, ["Summit Opens"]),
]


@pytest.mark.parametrize(("text", "title", "body"), TITLES)
def test_titles(text: str, title: str | None, body: list[str]) -> None:
    segmentation = segment_text(text)
    assert (segmentation.title.text if segmentation.title else None) == title
    assert [s.text for s in segmentation.sentences if s is not segmentation.title] == body


def test_a_dropped_line_inside_a_sentence_break_keeps_the_parts_apart() -> None:
    # A lower-case paragraph after an unfinished one is joined to it, but never across a dropped line.
    segmentation = segment_text("The ministers agreed to meet\n\n###\n\nin Tokyo next year.")
    assert [s.text for s in segmentation.sentences] == ["The ministers agreed to meet", "in Tokyo next year."]
    assert [d.text for d in segmentation.dropped] == ["###"]


@pytest.mark.parametrize("line", ["###", "Print | Email", "(AP Photo/Lee Jin-man)", "Source: Reuters"])
def test_a_document_line_alone_is_read_as_in_the_document(line: str) -> None:
    # The compatibility doors send .txt documents line by line: the line alone is left out as well.
    segmentation = segment_text(line)
    assert segmentation.sentences == ()
    assert [d.text for d in segmentation.dropped] == [line]


def test_the_release_fixture_reads_as_a_desk_would() -> None:
    text = read_article(REPO_DIR / "tests" / "data" / "articles" / "defense_release.txt")
    segmentation = segment_text(text)
    assert segmentation.title is not None
    assert segmentation.title.text.startswith("Japan, South Korea and U.S. Defense Chiefs")
    kinds = [d.kind for d in segmentation.dropped]
    assert kinds == ["navigation", "section-label", "byline", "byline", "photo-credit", "section-label", "rule",
                     "navigation", "metadata", "metadata", "navigation", "end-mark"]
    body = [s for s in segmentation.sentences if s is not segmentation.title]
    assert body[0].dateline == "TOKYO (Kyodo) —"
    assert [s.text for s in body if s.text.startswith("•")] == [
        "• Link the radar networks of the Self-Defense Forces, U.S. Forces Japan and U.S. Forces Korea;",
        "• Hold a trilateral exercise near the Korean Peninsula at least once a year; and",
        "• Review the arrangement at their next meeting in Seoul."]
    check_invariants(text)
