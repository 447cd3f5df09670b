"""DeepL language codes (``EN``, ``EN-US``, ``JA``) to and from ours (``en``, ``ja``).

DeepL takes its codes in any letter case (``EN-US``, ``en-us``); a code is one of a language's
DeepL codes -- the language, or one of its regional variants -- and nothing else (no spaces, no
made-up regions). The same rule is the ``pattern`` /openapi.json gives those fields
(:func:`code_pattern`), so the document and the server accept exactly the same codes.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from service.api.compat.errors import PeerError
from service.api.compat.served import served_pairs
from service.runtime.resources import Resources

ENGLISH_VARIANTS = ("EN-GB", "EN-US")
# DeepL's regional variants of a language (target codes; DeepL takes them as sources too here).
VARIANTS = {"en": ENGLISH_VARIANTS, "pt": ("PT-BR", "PT-PT"), "zh": ("ZH-HANS", "ZH-HANT")}


def deepl_codes(languages: Iterable[str]) -> list[str]:
    """Every DeepL code of ``languages`` (ours): the language's own and its regional variants."""
    return [code for lang in sorted(set(languages)) for code in (lang.upper(), *VARIANTS.get(lang, ()))]


def _caseless(code: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in code)  # letters and "-" only


def code_pattern(languages: Iterable[str]) -> str:
    """The regular expression (ECMA 262 and Python alike) of the DeepL codes of ``languages``, any case."""
    return "^(?:" + "|".join(_caseless(c) for c in deepl_codes(languages)) + ")$"


def our_code(code: object, languages: Iterable[str]) -> str | None:
    """``EN-US`` -> ``en`` when it is a DeepL code of one of ``languages``; None otherwise."""
    if not isinstance(code, str) or not re.fullmatch(code_pattern(languages), code):
        return None
    return code.split("-", 1)[0].lower()


def deepl_code(code: str) -> str:
    """Our ``ja`` -> DeepL's ``JA``."""
    return code.upper()


def check_pair(source: str | None, target: str, resources: Resources) -> tuple[str | None, str]:
    """Our codes for a DeepL request's languages; 400 in DeepL's words when a pair is not served."""
    pairs = served_pairs(resources)
    target_code = our_code(target, {t for targets in pairs.values() for t in targets})
    if target_code is None:
        raise PeerError(400, "Value for 'target_lang' not supported.")
    if source is None:
        return None, target_code
    source_code = our_code(source, pairs)
    if source_code is None:
        raise PeerError(400, "Value for 'source_lang' not supported.")
    if target_code not in pairs[source_code]:
        raise PeerError(400, f"Translation from {source.upper()} to {target.upper()} is not supported.")
    return source_code, target_code


def target_variants(code: str) -> list[str]:
    """The DeepL target codes for one of our targets (a language with regional variants lists those)."""
    return list(VARIANTS.get(code, ())) or [deepl_code(code)]
