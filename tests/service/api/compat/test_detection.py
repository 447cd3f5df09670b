"""Language detection (lingua): served languages, a clear "unsupported", short texts together."""
from __future__ import annotations

import pytest

from service.api.compat.detection import UNSUPPORTED, LanguageDetector


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
