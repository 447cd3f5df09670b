"""Language codes: normalisation and rejection of unknown codes."""
from __future__ import annotations

import pytest

from service.errors import UnknownLanguageError
from service.languages import LANGUAGES, validate_lang


@pytest.mark.parametrize(("code", "expected"), [("en", "en"), ("JA", "ja"), (" Ko ", "ko")])
def test_known_codes_are_normalised(code: str, expected: str) -> None:
    assert validate_lang(code) == expected


@pytest.mark.parametrize("code", ["", "xx", "eng", "en-US", "日本"])
def test_unknown_codes_are_rejected(code: str) -> None:
    with pytest.raises(UnknownLanguageError):
        validate_lang(code)


def test_non_string_code() -> None:
    with pytest.raises(TypeError):
        validate_lang(None)  # type: ignore[arg-type]


def test_table_has_the_service_languages_with_names() -> None:
    assert (LANGUAGES["en"], LANGUAGES["ja"], LANGUAGES["ko"]) == ("English", "Japanese", "Korean")
    assert all(len(code) == 2 and code.islower() for code in LANGUAGES)
