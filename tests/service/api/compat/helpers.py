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
