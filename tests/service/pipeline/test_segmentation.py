"""Sentence segmentation: one table per rule family, the seed article, and properties.

The golden rules and the news cases (data files) are in test_segmentation_corpora.py; lists,
non-content lines, datelines and titles in test_segmentation_news.py.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.pipeline.line_kinds import KINDS
from service.pipeline.segmentation import Sentence, segment_text, split_sentences
from tests.helpers import OWN_ARTICLES, read_article


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


QUOTES = [
    ('"We are ready." said X. He left.', ['"We are ready." said X.', "He left."]),
    ("“We are ready,” said Austin. He left.", ["“We are ready,” said Austin.", "He left."]),
    ("She said “this is a critical phase.” Talks resume.",
     ["She said “this is a critical phase.”", "Talks resume."]),
    # A mistyped opening quote (” for “) must not stop the closing one being attached.
    ("Kamikawa added that ”this is a critical phase.” Austin agreed.",
     ["Kamikawa added that ”this is a critical phase.”", "Austin agreed."]),
    ("“Why now?” he asked. Nobody knew.", ["“Why now?” he asked.", "Nobody knew."]),
    ("It threatens “regional security”. Japan agreed.",
     ["It threatens “regional security”.", "Japan agreed."]),
    ("He said 'enough.' Then he left.", ["He said 'enough.'", "Then he left."]),
    ("Prices rose (sharply.) Then fell.", ["Prices rose (sharply.)", "Then fell."]),
]

ABBREVIATIONS = [
    ("The U.S. and U.K. agreed. Talks ended.", ["The U.S. and U.K. agreed.", "Talks ended."]),
    ("Troops left the U.S. The talks ended.", ["Troops left the U.S.", "The talks ended."]),
    ("He served in the U.S. Army for years.", ["He served in the U.S. Army for years."]),
    ("Lt. Gen. Smith spoke. He left.", ["Lt. Gen. Smith spoke.", "He left."]),
    ("Gen. Charles Brown spoke.", ["Gen. Charles Brown spoke."]),
    ("It ranked No. 3 in Asia. Good.", ["It ranked No. 3 in Asia.", "Good."]),
    ("Mr. Smith met Dr. Jones. They ate.", ["Mr. Smith met Dr. Jones.", "They ate."]),
    ("The vote is on Jan. 5 in Tokyo.", ["The vote is on Jan. 5 in Tokyo."]),
    ("Shares of Acme Inc. rose. Acme Inc. The firm grew.",
     ["Shares of Acme Inc. rose.", "Acme Inc.", "The firm grew."]),
    ("Japan vs. China was close. Fans cheered.", ["Japan vs. China was close.", "Fans cheered."]),
    ("The talks start at 9 a.m. The press waits.", ["The talks start at 9 a.m.", "The press waits."]),
    ("Oil, gas, etc. were taxed.", ["Oil, gas, etc. were taxed."]),
]

INITIALS = [
    ("Lloyd J. Austin III spoke. He left.", ["Lloyd J. Austin III spoke.", "He left."]),
    ("J.D. Vance replied. Talks went on.", ["J.D. Vance replied.", "Talks went on."]),
    ("Senator J. D. Vance spoke.", ["Senator J. D. Vance spoke."]),
    ("They chose Plan B. The plan failed.", ["They chose Plan B.", "The plan failed."]),
]

NUMBERS = [
    ("Growth was 3.5 percent. It slowed.", ["Growth was 3.5 percent.", "It slowed."]),
    ("It cost $1.2 billion. Critics balked.", ["It cost $1.2 billion.", "Critics balked."]),
    ("Japan hosts 50,000 US troops. That is many.", ["Japan hosts 50,000 US troops.", "That is many."]),
    ("Turnout hit 61.5%. Results came at 10.30 pm.", ["Turnout hit 61.5%.", "Results came at 10.30 pm."]),
    ("Sales rose in 2023. 2024 was worse.", ["Sales rose in 2023.", "2024 was worse."]),
]

ELLIPSES = [
    ("He paused... then went on. Done.", ["He paused... then went on.", "Done."]),
    ("He paused... Then he left.", ["He paused...", "Then he left."]),
    ("He paused… Then he left.", ["He paused…", "Then he left."]),
    ("Wait . . . what happened?", ["Wait . . . what happened?"]),
]

WHITESPACE = [
    ("A stray\nline break stays. Next.", ["A stray line break stays.", "Next."]),
    ("Windows\r\nbreaks too. Next.", ["Windows breaks too.", "Next."]),
    ("One paragraph.\n\nTwo paragraph.", ["One paragraph.", "Two paragraph."]),
    ("No stop here\n\nBut a new paragraph starts. Yes.",
     ["No stop here", "But a new paragraph starts.", "Yes."]),
    ("US\u00a0troops\u3000arrived. Then\u00a0they left.", ["US troops arrived.", "Then they left."]),
    ("First.\n\n\u00a0\n\n\u3000\nSecond.", ["First.", "Second."]),
    ("Tabs\tand  double  spaces. Fine.", ["Tabs and double spaces.", "Fine."]),
]

# Lower-case paragraphs: joined only when the paragraph before stopped mid-sentence
# (the blank line was a stray break); after a complete sentence they stay separate,
# because joining would corrupt a good sentence with a pasting leftover.
FRAGMENTS = [
    ("Intro here.\nThe minister said that\n\nthe talks would go on. Yes.",
     ["Intro here.", "The minister said that the talks would go on.", "Yes."]),
    ("Austin warned of threats.\n\ncooperation with Russia “threatens security”.",
     ["Austin warned of threats.", "cooperation with Russia “threatens security”."]),
    ("iPhone sales rose. Fine.", ["iPhone sales rose.", "Fine."]),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    QUOTES + ABBREVIATIONS + INITIALS + NUMBERS + ELLIPSES + WHITESPACE + FRAGMENTS,
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


HEADLINES = [
    # (text, expected [(sentence, is_headline)])
    ("USA And Japan Condemn Russia's Cooperation\n\nThe talks began. They ended.",
     [("USA And Japan Condemn Russia's Cooperation", True), ("The talks began.", False),
      ("They ended.", False)]),
    ("US and Japan condemn Russia\n\nThe talks began.",
     [("US and Japan condemn Russia", True), ("The talks began.", False)]),
    ("Summit Opens In Tokyo\nLeaders met today.",
     [("Summit Opens In Tokyo", True), ("Leaders met today.", False)]),
    ("Leaders met today.\n\nKey Points Of The Deal\n\nThe deal was signed.",
     [("Leaders met today.", False), ("Key Points Of The Deal", True),
      ("The deal was signed.", False)]),
    # Not headlines: a hard-wrapped first line, a lone line, a punctuated first line.
    ("The government raised\ntariffs on steel. Markets fell.",
     [("The government raised tariffs on steel.", False), ("Markets fell.", False)]),
    ("Just one unpunctuated line", [("Just one unpunctuated line", False)]),
    ("Markets Fell Sharply.\n\nThe index lost 3 percent.",
     [("Markets Fell Sharply.", False), ("The index lost 3 percent.", False)]),
    ("Leaders met.\n\nthe deal was not signed at all\n\nLater they left.",
     [("Leaders met.", False), ("the deal was not signed at all", False), ("Later they left.", False)]),
]


@pytest.mark.parametrize(("text", "expected"), HEADLINES)
def test_headlines(text: str, expected: list[tuple[str, bool]]) -> None:
    assert [(s.text, s.is_headline) for s in split_sentences(text)] == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\n\u00a0\n", "\u3000"])
def test_blank_text_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == []


def test_non_string_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        split_sentences(b"bytes")  # type: ignore[arg-type]


def test_offsets_point_into_original_text() -> None:
    text = "  Head Line Here\n\n\u00a0First one.\nStill first.  Second!"
    sentences = split_sentences(text)
    assert [text[s.start:s.end] for s in sentences] == [
        "Head Line Here", "First one.", "Still first.", "Second!"
    ]
    assert sentences[0] == Sentence("Head Line Here", 2, 16, True)


def test_own_articles_keep_invariants(news_article: str) -> None:
    check_invariants(news_article)
    sentences = split_sentences(news_article)
    assert sentences[0].is_headline
    assert not any(s.is_headline for s in sentences[1:])


def test_ministers_meeting_article() -> None:
    text = read_article(OWN_ARTICLES[1])
    sentences = texts(text)
    assert len(sentences) == 11
    # A quoted pair of sentences splits after the closing quote, not inside it.
    assert sentences[3].endswith("Nakatani told reporters after the talks.")
    assert sentences[4] == "“Every minute of warning saves lives.”"
    # The pasted lower-case paragraph follows a complete sentence: kept apart, not glued on.
    assert sentences[5].endswith("would be accepted.")
    assert sentences[6] == "cooperation between the coast guards of both countries"
    # "Gen." and "a.m." mid-sentence, "3.5" and "$2.4" do not split.
    assert "Gen. Paul Whitcomb" in sentences[7]
    assert sentences[7].endswith("at 10:30 a.m. local time.")
    assert "3.5 billion won, or about $2.4 million." in sentences[8]


def test_trade_talks_article() -> None:
    sentences = texts(read_article(OWN_ARTICLES[2]))
    assert sentences[0] == "U.S. And Japan Open Talks On Semiconductor Supply Chains"
    assert sentences[5] == '"Nobody wants a subsidy race," the official said.'
    # A stray line break inside the last paragraph still separates two sentences.
    assert sentences[-2].endswith("report to ministers by June.")
    assert sentences[-1] == "The next round is planned for Tokyo."


def test_seed_article(seed_article: str) -> None:
    sentences = split_sentences(seed_article)
    # Headline + 15 body sentences; the last paragraph holds two sentences.
    assert len(sentences) == 16
    assert sentences[0].is_headline
    assert sentences[0].text.startswith("USA And Japan Condemn")
    assert not any(s.is_headline for s in sentences[1:])
    # The closing quote after "critical phase." belongs to its sentence.
    kamikawa = next(s for s in sentences if "turning point" in s.text)
    assert kamikawa.text.endswith("this is a critical phase.”")
    # The duplicated lower-case fragment follows a complete sentence: kept apart.
    assert sentences[7].text.startswith("cooperation with Russia")
    assert sentences[6].text.endswith("“threaten regional and global security”.")
    # "50,000" does not split.
    assert any(s.text.startswith("Japan is home to more than 50,000 US troops") for s in sentences)
    assert sentences[-2].text.endswith("Shin Won-sik.")
    assert sentences[-1].text.startswith("The meeting resulted")
    for s in sentences:
        assert " ".join(seed_article[s.start:s.end].split()) == s.text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_offsets_always_valid(text: str) -> None:
    check_invariants(text)


NEWSY = st.lists(
    st.sampled_from(
        ["U.S.", "Mr.", "J.", "No.", "3.5", "...", "…", ". . .", "“", "”", '"', ".", "?", "!", "\n", "\n\n",
         " ", "\u00a0", "\u3000", "The", "said", "x", "Inc.", "a.m.", "(", ")", "\r\n", "###", "-30-", "* * *",
         "Source:", "By", "Jane", "(AP Photo/Jo Kim)", "(Kyodo)", "•", "-", "1.", "2.", "a.", "b.", "(a)", "1)",
         "i.", ":", "—", "TOKYO", "(Reuters)", "READOUT", "Print | Email", "Share this page:", "[...]"]
    ),
    max_size=60,
).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(NEWSY)
def test_offsets_valid_on_newsy_text(text: str) -> None:
    check_invariants(text)


def check_invariants(text: str) -> None:
    """Every sentence and dropped line is an exact, trimmed span of ``text``; they come in order, never
    overlap, and nothing but whitespace lies outside them; a dateline is a prefix of its sentence."""
    segmentation = segment_text(text)
    spans = [(s.start, s.end, s.text) for s in segmentation.sentences]
    spans += [(d.start, d.end, d.text) for d in segmentation.dropped]
    previous_end = 0
    for start, end, normalised in sorted(spans):
        assert 0 <= previous_end <= start < end <= len(text)
        assert normalised
        assert normalised == " ".join(text[start:end].split())
        assert text[start:end].strip() == text[start:end]
        previous_end = end
    starts = [s.start for s in segmentation.sentences]
    assert starts == sorted(starts)
    assert all(d.kind in KINDS for d in segmentation.dropped)
    covered = "".join(text[start:end] for start, end, _ in sorted(spans))
    assert "".join(covered.split()) == "".join(text.split())
    for s in segmentation.sentences:
        if s.dateline:
            assert s.dateline_end is not None
            assert s.start < s.dateline_end < s.end
            assert s.dateline == " ".join(text[s.start:s.dateline_end].split())
            assert s.text.startswith(s.dateline)
            assert s.content
            assert s.text.endswith(s.content)
        else:
            assert s.dateline_end is None
            assert s.content == s.text
    assert segmentation.title is None or segmentation.title is segmentation.sentences[0]
