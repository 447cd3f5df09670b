"""Language detection (lingua): served languages, a clear "unsupported", unsure short texts, bounded samples."""
from __future__ import annotations

import pytest

from service.api.compat.detection import SAMPLE_CHARS, UNSUPPORTED, LanguageDetector, sample


@pytest.fixture(scope="module")
def detector():
    return LanguageDetector(["en", "ja", "ko"])


@pytest.mark.parametrize(("text", "language"), [
    ("Officials met in Tokyo on Monday to discuss trade and security.", "en"),
    ("政府の代表者が月曜日に東京で会談し、貿易について話し合った。", "ja"),
    ("정부 대표들이 월요일 서울에서 만나 무역 문제를 논의했다.", "ko"),
])
def test_served_languages(detector, text, language):
    best = detector.best(text)
    assert best.language == language
    assert 0 < best.confidence <= 1


@pytest.mark.parametrize("text", [
    "Les responsables se sont réunis lundi à Tokyo pour parler du commerce.",
    "Die Beamten trafen sich am Montag in Tokio, um über Handel zu sprechen.",
    "1234 5678",
])
def test_other_languages_are_unsupported(detector, text):
    assert detector.best(text).language == UNSUPPORTED


def test_short_texts_take_the_language_of_the_whole_request(detector):
    long_text = "Officials met in Tokyo on Monday to discuss trade and security."
    assert [d.language for d in detector.sources([long_text, "Seoul", "OK"], ["en", "ja"])] == ["en", "en", "en"]


def test_candidates_are_only_served_languages(detector):
    assert {d.language for d in detector.detect("Officials met in Tokyo on Monday.")} <= {"en", "ja", "ko"}


# -- unsure is not unsupported ------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["Hello", "proton beam", "Test", "OK", "Guten Tag", "1234", ""])
def test_unsure_short_texts_take_the_preferred_candidate(detector, text):
    assert detector.sources([text], ["en", "ja"])[0].language == "en"


@pytest.mark.parametrize(("text", "language"), [
    ("Merci beaucoup", "fr"), ("Danke schön", "de"), ("Спасибо", "ru"), ("안녕하세요", "ko"), ("東京で会談", "ja"),
    ("Les responsables se sont réunis lundi à Tokyo pour parler du commerce.", "fr"),
])
def test_confident_texts_keep_their_language_served_or_not(detector, text, language):
    assert detector.sources([text], ["en", "ja"])[0].language == language


def test_an_unsure_text_takes_the_likeliest_candidate_among_several(detector):
    assert detector.sources(["Hello"], ["en", "ko"])[0].language == "en"
    assert detector.sources(["서울"], ["en", "ko"])[0].language == "ko"  # Hangul: certain


def test_a_short_text_beside_a_long_foreign_one_is_judged_on_its_own(detector):
    french = "Les responsables se sont réunis lundi à Tokyo pour parler du commerce et de la sécurité."
    assert [d.language for d in detector.sources([french, "Hello"], ["en", "ja"])] == ["fr", "en"]


def test_detect_reports_served_guesses_for_unsure_texts(detector):
    assert detector.detect("Hello")[0].language == "en"
    assert detector.detect("Merci beaucoup")[0].language == UNSUPPORTED


# -- bounded work -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "x" * 300_000,                                            # one word: lingua's slowest case
    " ".join(["word"] * 60_000),
    "Officials met in Tokyo on Monday. " * 5_000,
])
def test_a_sample_is_bounded_and_keeps_whole_words(text):
    cut = sample(text)
    assert len(cut) <= SAMPLE_CHARS + 2
    if " " in text:
        assert set(cut.split()) <= set(text.split())


def test_a_short_text_is_its_own_sample():
    assert sample("Officials met.") == "Officials met."


def test_lingua_never_sees_more_than_a_sample(detector, monkeypatch):
    seen: list[int] = []
    lingua = detector._lingua()

    class Recorder:
        def compute_language_confidence_values(self, text):
            seen.append(len(text))
            return lingua.compute_language_confidence_values(text)

    monkeypatch.setattr(detector, "_detector", Recorder())
    huge = "x" * 200_000
    detector.detect(huge)
    detector.sources([huge, huge, "short"], ["en", "ja"])
    assert seen
    assert max(seen) <= SAMPLE_CHARS + 2
