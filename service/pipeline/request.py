"""What a caller asks of the pipeline: one frozen request, validated at the boundary."""
from __future__ import annotations

from dataclasses import dataclass

from service.glossary.model import GlossaryEntry
from service.storage.tenancy import OPERATOR, Tenant


@dataclass(frozen=True)
class BriefRequest:
    """What a caller asks for; validated at the boundary (CLI flags, HTTP schemas).

    Doors import it from ``service.pipeline``, beside the functions that take it.
    """

    target_langs: tuple[str, ...]
    sentences: int | None = None
    ratio: float | None = None
    source_lang: str = "en"
    glossaries: tuple[str, ...] = ()
    inline_glossary: tuple[GlossaryEntry, ...] = ()
    summarizer: str | None = None
    tenant: Tenant = OPERATOR  # whose translation memories the brief may reuse; HTTP doors set the key's
