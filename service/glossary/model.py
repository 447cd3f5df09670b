"""Glossary data: entries, named glossaries, and the merged view a request uses."""
from __future__ import annotations

from dataclasses import dataclass, field

ENTRY_TYPES = ("person", "organization", "place", "title", "term")


@dataclass(frozen=True)
class GlossaryEntry:
    """One entity: a source term, its aliases, and its rendering per target language."""

    source: str
    renderings: dict[str, str]
    type: str = "term"
    aliases: tuple[str, ...] = ()
    notes: str = ""
    case_sensitive: bool = True
    source_ref: str = ""  # where the renderings come from (official site, Wikipedia title)
    # Known other spellings per target language (a model's own transliteration); enforcement
    # rewrites them into the rendering instead of leaving two spellings side by side.
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # A person's short rendering per language (ブリンケン for Antony Blinken): used for a later
    # mention by family name alone ("Secretary Blinken"); service.glossary.shortref derives one where safe.
    short_renderings: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.source.strip():
            raise ValueError("glossary entry needs a source term")
        if self.type not in ENTRY_TYPES:
            raise ValueError(f"unknown entry type {self.type!r}; expected one of {', '.join(ENTRY_TYPES)}")


@dataclass(frozen=True)
class Glossary:
    """A named glossary. ``id`` is stable across renames; ``version`` grows with every change."""

    name: str
    entries: tuple[GlossaryEntry, ...]
    id: str = ""
    source_lang: str = "en"
    description: str = ""
    version: int = 1
    created_at: str = ""
    updated_at: str = ""
    owner: str | None = None  # the owner scope ("team:<team>", "key:<id>"; service.storage.tenancy); None: shared
    # A name shown beside ``name`` (any text, e.g. "tool: project 12" from a DeepL client), where ``name``
    # is the store's key (URLs, signatures); None: the glossary is shown by its name.
    display_name: str | None = None


@dataclass(frozen=True)
class GlossaryInfo:
    """A stored glossary's summary, as listed without loading its entries."""

    name: str
    id: str
    entry_count: int
    languages: tuple[str, ...]
    version: int
    updated_at: str
    description: str = ""
    source_lang: str = "en"
    owner: str | None = None  # as Glossary.owner
    display_name: str | None = None  # as Glossary.display_name


@dataclass(frozen=True)
class ActiveGlossary:
    """The glossaries one request uses, highest precedence first (inline, given order, default)."""

    layers: tuple[Glossary, ...] = field(default_factory=tuple)

    def key(self) -> str:
        """Identifies this combination and versions, for cache keys and brief signatures."""
        return "+".join(f"{g.name}@{g.version}" for g in self.layers)
