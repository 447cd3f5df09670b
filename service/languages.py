"""Known language codes (ISO 639-1) with their English names."""
from __future__ import annotations

from service.errors import UnknownLanguageError

# Languages a news-brief deployment may plausibly configure; extend as models are added.
LANGUAGES: dict[str, str] = {
    "ar": "Arabic",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "ca": "Catalan",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "ms": "Malay",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sr": "Serbian",
    "sv": "Swedish",
    "sw": "Swahili",
    "ta": "Tamil",
    "th": "Thai",
    "tl": "Tagalog",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "zh": "Chinese",
}


def validate_lang(code: str) -> str:
    """Return ``code`` normalised (trimmed, lower case); UnknownLanguageError if it is not known."""
    if not isinstance(code, str):
        raise TypeError(f"language code must be a string, got {type(code).__name__}")
    normalised = code.strip().lower()
    if normalised not in LANGUAGES:
        raise UnknownLanguageError(
            f"unknown language code {code!r}; use a two-letter ISO 639-1 code such as 'en', 'ja' or 'ko'",
            lang=code,
        )
    return normalised
