"""What the memory stage and stored briefs need from a memory store (MemoryStore provides both)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy import Connection

from service.memory.files import MemoryMatch, MemoryUnit
from service.storage.tenancy import OPERATOR, Tenant

# Called inside loops that grow with the input, naming the work: raises to stop it (the request's deadline).
Checkpoint = Callable[[str], None]


class MemoryLookup(Protocol):
    def has_pair(self, source_lang: str, target_lang: str, *, tenant: Tenant = OPERATOR) -> bool: ...

    def exact(self, source_lang: str, target_lang: str, sources: Sequence[str], *,
              tenant: Tenant = OPERATOR) -> dict[str, MemoryMatch]: ...

    def fuzzy(self, source_lang: str, target_lang: str, text: str, threshold: float,
              limit: int = 1, *, tenant: Tenant = OPERATOR, checkpoint: Checkpoint | None = None
              ) -> list[MemoryMatch]: ...


class MemoryWriter(Protocol):
    def add_units_in(self, conn: Connection, name: str, units: Sequence[MemoryUnit], *,
                     tenant: Tenant = OPERATOR) -> Any: ...
