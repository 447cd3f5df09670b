"""Language detection for ``source=auto``, ``/detect`` and an omitted DeepL ``source_lang``.

Uses lingua-language-detector, whose n-gram models ship inside the wheel (no download
at run time). The detector knows the served languages plus a fixed set of widely used
others, so text in, say, French is reported as French -- and therefore unsupported --
rather than forced onto the nearest served language.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

# Widely used languages the detector also knows, so that text in them is recognised as
# unsupported instead of being mislabelled as a served language. Each one costs memory.
DECOY_LANGUAGES = ("de", "es", "fr", "it", "nl", "pt", "ru", "zh")
UNSUPPORTED = "unsupported"
# Shorter texts say too little on their own (LibreTranslate draws the same line).
SHORT_TEXT_CHARS = 40
_CREATE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Detection:
    """A detected language (ISO 639-1, or ``unsupported``) and a confidence in 0..1."""

    language: str
    confidence: float


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

    def detect(self, text: str, limit: int = 3) -> list[Detection]:
        """Candidates, most likely first; ``[Detection("unsupported", ...)]`` when no served language wins."""
        values = self._lingua().compute_language_confidence_values(text)
        ranked = [Detection(v.language.iso_code_639_1.name.lower(), round(float(v.value), 4))
                  for v in values if v.value > 0]
        if not ranked:
            return [Detection(UNSUPPORTED, 0.0)]
        if ranked[0].language not in self.served:
            return [Detection(UNSUPPORTED, ranked[0].confidence)]
        return [d for d in ranked if d.language in self.served][:limit]

    def best(self, text: str) -> Detection:
        """The most likely language of ``text`` (``unsupported`` when it is none we serve)."""
        return self.detect(text, limit=1)[0]

    def best_each(self, texts: list[str]) -> list[Detection]:
        """One detection per text; short texts take the language of all the texts together."""
        overall: Detection | None = None
        out = []
        for text in texts:
            if len(text.strip()) >= SHORT_TEXT_CHARS:
                out.append(self.best(text))
                continue
            if overall is None:
                overall = self.best(" ".join(texts))
            out.append(overall)
        return out


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
