"""DeepL language codes (``EN``, ``EN-US``, ``JA``) to and from ours (``en``, ``ja``)."""
from __future__ import annotations

from service.api.compat.errors import PeerError
from service.api.compat.served import served_pairs
from service.resources import Resources

ENGLISH_VARIANTS = ("EN-GB", "EN-US")


def base_code(code: str) -> str:
    """``EN-US`` -> ``en``; ``JA`` -> ``ja``."""
    return code.strip().split("-", 1)[0].lower()


def deepl_code(code: str) -> str:
    """Our ``ja`` -> DeepL's ``JA``."""
    return code.upper()


def check_pair(source: str | None, target: str, resources: Resources) -> tuple[str | None, str]:
    """Our codes for a DeepL request's languages; 400 in DeepL's words when a pair is not served."""
    pairs = served_pairs(resources)
    target_code = base_code(target)
    if not any(target_code in targets for targets in pairs.values()):
        raise PeerError(400, "Value for 'target_lang' not supported.")
    if source is None:
        return None, target_code
    source_code = base_code(source)
    if source_code not in pairs:
        raise PeerError(400, "Value for 'source_lang' not supported.")
    if target_code not in pairs[source_code]:
        raise PeerError(400, f"Translation from {source.upper()} to {target.upper()} is not supported.")
    return source_code, target_code


def target_variants(code: str) -> list[str]:
    """The DeepL target codes for one of our targets (English has its regional variants)."""
    return list(ENGLISH_VARIANTS) if code == "en" else [deepl_code(code)]
