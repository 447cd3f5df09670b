"""Helpers shared by the compatibility-door tests."""
from __future__ import annotations

from dataclasses import dataclass

QUOTA_CHARS = 20


@dataclass(frozen=True)
class LiveServer:
    url: str
    key: str          # a key with no quota
    small_key: str    # a key with a QUOTA_CHARS daily quota
    revoked_key: str

# A second source language (ja-en besides en-ja and en-ko), for the doors' language lists and pairs.
JA_EN = {"translation": {"ja-en": {"engine": "transformers", "model": "Helsinki-NLP/opus-mt-ja-en",
                                   "architecture": "marian", "revision": "main", "license": "Apache-2.0",
                                   "size_mb": 300}}}
