"""Language detection for ``source=auto``, ``/detect`` and an omitted DeepL ``source_lang``.

Uses lingua-language-detector, whose n-gram models ship inside the wheel (no download
at run time). The detector knows the served languages plus a fixed set of widely used
others, so text in, say, French is reported as French -- and therefore unsupported --
rather than forced onto the nearest served language.

**Bounded work.** lingua's time grows much faster than linearly with the length of a word (a
100,000-character run without spaces takes seconds, holding the interpreter lock, so every
thread of the worker stalls). It therefore only ever sees :func:`sample` of a text: at most
:data:`SAMPLE_CHARS` characters from its start, middle and end. Callers check a text's length
against their own limit before detecting anything.

**Unsure is not unsupported.** One or two words ("Hello", "proton beam", "Test") say too
little: lingua spreads its confidence over several languages. Only text whose most likely
language wins with at least :data:`CONFIDENT` is taken to be in that language; text that is
unsure takes the likeliest language that can be translated, or the preferred one (the served
source). So the most common call of a plugin -- one word, no source -- translates, and only text
confidently in a language the request cannot take is refused.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Widely used languages the detector also knows, so that text in them is recognised as
# unsupported instead of being mislabelled as a served language. Each one costs memory.
DECOY_LANGUAGES = ("de", "es", "fr", "it", "nl", "pt", "ru", "zh")
UNSUPPORTED = "unsupported"
# Shorter texts say too little on their own (LibreTranslate draws the same line): in a request
# of several texts they take the language of the whole request when that is clear.
SHORT_TEXT_CHARS = 40
# The most characters of one text lingua looks at (a few ms at worst; accuracy is long saturated).
SAMPLE_CHARS = 1_000
# A most-likely language at or above this confidence (0..1) is a finding; below it, a guess.
# Calibrated on single words and short phrases: "Merci beaucoup" (fr 0.94) and "Danke schön"
# (de 1.0) are findings; "Hello" (it 0.36), "Test" (it 0.19), "Guten Tag" (de 0.56) are guesses.
CONFIDENT = 0.8
_CREATE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Detection:
    """A detected language (ISO 639-1, or ``unsupported``) and a confidence in 0..1."""

    language: str
    confidence: float


def sample(text: str, limit: int = SAMPLE_CHARS) -> str:
    """At most about ``limit`` characters of ``text``: all of it when it is that short, else three
    windows (start, middle, end), each without the words its edges cut through."""
    if len(text) <= limit:
        return text
    width = limit // 3
    return " ".join(_window(text, start, width) for start in (0, (len(text) - width) // 2, len(text) - width))


def _window(text: str, start: int, width: int) -> str:
    end = start + width
    piece = text[start:end]
    if start > 0 and not text[start - 1].isspace():
        _, space, rest = piece.partition(" ")
        piece = rest if space else piece
    if end < len(text) and not text[end].isspace():
        rest, space, _ = piece.rpartition(" ")
        piece = rest if space else piece
    return piece.strip()


class LanguageDetector:
    """Built on first use (lingua loads its models lazily), then shared by all threads."""

    def __init__(self, served: list[str]) -> None:
        self.served = tuple(sorted(set(served)))
        self._detector: Any = None
        self._lock = threading.Lock()

    def _build(self) -> Any:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        codes = sorted(set(self.served) | set(DECOY_LANGUAGES))
        languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper()))
                     for c in codes if hasattr(IsoCode639_1, c.upper())]
        if len(languages) < 2:  # lingua needs two languages to choose between
            languages.append(Language.ENGLISH if Language.ENGLISH not in languages else Language.FRENCH)
        return LanguageDetectorBuilder.from_languages(*languages).build()

    def _lingua(self) -> Any:
        if self._detector is None:
            with self._lock:
                if self._detector is None:
                    self._detector = self._build()
        return self._detector

    def ranked(self, text: str) -> list[Detection]:
        """Every language the detector knows with a confidence above 0, most likely first, from a
        bounded sample of ``text`` (empty when it has no letters)."""
        values = self._lingua().compute_language_confidence_values(sample(text))
        return [Detection(v.language.iso_code_639_1.name.lower(), round(float(v.value), 4))
                for v in values if v.value > 0]

    def detect(self, text: str, limit: int = 3) -> list[Detection]:
        """Served candidates, most likely first; ``[Detection("unsupported", ...)]`` when the text is
        confidently in a language we do not serve, or has no letters at all."""
        ranked = self.ranked(text)
        if not ranked:
            return [Detection(UNSUPPORTED, 0.0)]
        if ranked[0].language not in self.served and ranked[0].confidence >= CONFIDENT:
            return [Detection(UNSUPPORTED, ranked[0].confidence)]
        served = [d for d in ranked if d.language in self.served][:limit]
        return served or [Detection(UNSUPPORTED, ranked[0].confidence)]

    def best(self, text: str) -> Detection:
        """The most likely served language of ``text`` (``unsupported`` as :meth:`detect` says)."""
        return self.detect(text, limit=1)[0]

    def sources(self, texts: Sequence[str], candidates: Sequence[str]) -> list[Detection]:
        """The source language of each text of one request that may be in any of ``candidates``
        (most preferred first; never empty).

        A text confidently in some language gets that language, a candidate or not (the caller
        refuses the others); an unsure one gets the likeliest candidate, else the first. A short
        text takes the request's language when all the texts together are confidently in a candidate.
        """
        if not candidates:
            raise ValueError("sources() needs at least one candidate language")
        whole: Detection | None = None
        whole_done = False
        out = []
        for text in texts:
            if len(text.strip()) < SHORT_TEXT_CHARS:
                if not whole_done:
                    whole, whole_done = _finding(self.ranked(" ".join(texts))), True
                if whole is not None and whole.language in candidates:
                    out.append(whole)
                    continue
            ranked = self.ranked(text)
            out.append(_finding(ranked) or _likeliest(ranked, candidates))
        return out


def _finding(ranked: list[Detection]) -> Detection | None:
    """The most likely language when lingua is confident of it; None when it only guesses."""
    return ranked[0] if ranked and ranked[0].confidence >= CONFIDENT else None


def _likeliest(ranked: list[Detection], candidates: Sequence[str]) -> Detection:
    return next((d for d in ranked if d.language in candidates), Detection(candidates[0], 0.0))


def get_detector() -> LanguageDetector:
    """The app's detector, created on first use for the languages the app serves."""
    from flask import current_app

    from service.api.compat.served import served_languages
    from service.api.context import get_resources

    with _CREATE_LOCK:
        detector = current_app.extensions.get("briefs.detector")
        if detector is None:
            detector = LanguageDetector(served_languages(get_resources()))
            current_app.extensions["briefs.detector"] = detector
    return detector
