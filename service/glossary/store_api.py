"""What the service needs of a glossary store, and the logic every backend shares.

``GlossaryStoreProtocol`` is the interface the doors, the pipeline and the CLI use:
:class:`~service.glossary.store.GlossaryStore` implements it on SQLite and PostgreSQL alike.
``GlossaryStoreBase`` holds what does not depend on the database (request layering, file import
and export, the default glossary's reset), so a backend writes only its reads and writes.
"""
from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from service.errors import BadInputError, GlossaryNotFoundError
from service.glossary.cldr import CLDR_NAME, cldr_glossary
from service.glossary.formats import check_format, format_from_path, parse_glossary, serialise_glossary
from service.glossary.model import ActiveGlossary, Glossary, GlossaryEntry, GlossaryInfo
from service.glossary.store_schema import DEFAULT_DESCRIPTION, DEFAULT_NAME, load_default_entries
from service.glossary.validation import check_entries, validate_name
from service.languages import validate_lang
from service.storage.tenancy import OPERATOR, Tenant

INLINE_NAME = "inline"  # the layer of a request's own entries; no stored glossary may take this name
RESERVED_NAMES = (INLINE_NAME, CLDR_NAME)  # layer names of every request, never of a stored glossary

__all__ = ["CLDR_NAME", "DEFAULT_NAME", "INLINE_NAME", "RESERVED_NAMES", "GlossaryStoreBase", "GlossaryStoreProtocol",
           "inline_glossary"]


class GlossaryStoreProtocol(Protocol):
    """Named, versioned glossaries. Names match case-insensitively; every change bumps the version.

    Errors are the service's typed ones: GlossaryNotFoundError, ConflictError (name taken),
    NotFoundError (missing entry), BadInputError/GlossaryFormatError (bad entries or files).
    A failed call changes nothing. Every write takes ``expected_version``: given, the write
    happens only if the glossary is still at that version (ConflictError otherwise), so two
    editors on any hosts never silently overwrite each other.

    Reads and writes act for a ``tenant`` (:mod:`service.storage.tenancy`; default the local operator, who
    sees everything): another tenant's glossary is GlossaryNotFoundError, exactly as a missing one;
    a change the tenant may see but not make is ForbiddenError. ``resolve`` and ``export`` take
    names as the operator does: doors that act for a tenant pass ids they got from ``get``.
    """

    def list_glossaries(self, *, tenant: Tenant = OPERATOR) -> list[GlossaryInfo]:
        """The glossaries ``tenant`` may read, by name, with entry counts and languages."""
        ...

    def get(self, name_or_id: str, *, tenant: Tenant = OPERATOR) -> Glossary:
        """The glossary ``tenant`` means by this name (its own first, then shared) or id; GlossaryNotFoundError
        otherwise."""
        ...

    def resolve(self, names: Sequence[str], inline: Sequence[GlossaryEntry] = ()) -> ActiveGlossary:
        """The layers one request uses: inline entries, then ``names`` in order, then ``default``."""
        ...

    def export(self, name: str, fmt: str, target_lang: str | None = None) -> bytes:
        """The glossary as a file: pairs for ``target_lang`` (tsv/csv), all languages otherwise."""
        ...

    def create(self, name: str, entries: Sequence[GlossaryEntry], *, description: str = "",
               source_lang: str = "en", replace: bool = False, expected_version: int | None = None,
               tenant: Tenant = OPERATOR, display_name: str | None = None) -> Glossary:
        """A new glossary owned by ``tenant`` (ConflictError if the name exists, unless ``replace``: then
        id and owner kept, version+1); ``display_name`` shown beside the name (None: none, or kept)."""
        ...

    def add_entries(self, name: str, entries: Sequence[GlossaryEntry], *,
                    expected_version: int | None = None, tenant: Tenant = OPERATOR) -> Glossary:
        """Add entries, replacing any with the same source (case-insensitive) in place."""
        ...

    def delete_entries(self, name: str, sources: Sequence[str], *,
                       expected_version: int | None = None, tenant: Tenant = OPERATOR) -> Glossary:
        """Remove the entries with these sources (case-insensitive); NotFoundError if one is missing."""
        ...

    def delete(self, name: str, *, expected_version: int | None = None, tenant: Tenant = OPERATOR) -> None:
        """Delete a glossary and its entries; the default glossary can only be reset."""
        ...

    def import_file(self, source: Path | str | bytes, *, name: str, fmt: str | None = None,
                    source_lang: str = "en", target_lang: str | None = None, replace: bool = False,
                    description: str = "") -> Glossary:
        """Create (or replace) a glossary from a file's path or bytes; a bad file changes nothing."""
        ...

    def reset_default(self) -> Glossary:
        """Put back the shipped default glossary's entries (user glossaries untouched)."""
        ...

    def set_owner(self, name_or_id: str, owner: str | None) -> Glossary:
        """Give a glossary to an owner scope (None: shared); ConflictError if that owner has the name."""
        ...

    def schema_version(self) -> int:
        """The number of migrations applied to this store."""
        ...

    def close(self) -> None:
        """Release the connection(s); the next call reopens them."""
        ...


class GlossaryStoreBase(ABC):
    """The backend-independent half of a glossary store, built on ``get`` and ``create``."""

    @abstractmethod
    def get(self, name_or_id: str) -> Glossary:
        """The glossary with this name (case-insensitive) or id; GlossaryNotFoundError otherwise."""

    @abstractmethod
    def create(self, name: str, entries: Sequence[GlossaryEntry], *, description: str = "",
               source_lang: str = "en", replace: bool = False, expected_version: int | None = None) -> Glossary:
        """A new glossary (ConflictError if the name exists, unless ``replace``: then id kept, version+1)."""

    def resolve(self, names: Sequence[str], inline: Sequence[GlossaryEntry] = ()) -> ActiveGlossary:
        """The layers one request uses: inline entries, then ``names`` in order, then ``default``, then CLDR."""
        if isinstance(names, str):
            raise TypeError("names must be a sequence of glossary names, not a string")
        layers: list[Glossary] = []
        if inline:
            layers.append(inline_glossary(inline))
        seen: set[str] = set()
        for name in names:
            glossary = self.get(name)
            if glossary.id not in seen:
                seen.add(glossary.id)
                layers.append(glossary)
        try:
            default: Glossary | None = self.get(DEFAULT_NAME)
        except GlossaryNotFoundError:
            default = None
        if default is not None and default.id not in seen:
            layers.append(default)
        layers.append(cldr_glossary())  # every country and territory, below default (service/glossary/cldr.py)
        return ActiveGlossary(layers=tuple(layers))

    def export(self, name: str, fmt: str, target_lang: str | None = None) -> bytes:
        """The glossary as a file: pairs for ``target_lang`` (tsv/csv), all languages otherwise."""
        fmt = check_format(fmt)
        glossary = self.get(name)
        if target_lang:
            target_lang = validate_lang(target_lang)
            if not any(target_lang in e.renderings for e in glossary.entries):
                raise BadInputError(f"glossary {glossary.name!r} has no {target_lang!r} renderings")
        return serialise_glossary(glossary.entries, fmt, source_lang=glossary.source_lang, target_lang=target_lang)

    def import_file(self, source: Path | str | bytes, *, name: str, fmt: str | None = None,
                    source_lang: str = "en", target_lang: str | None = None, replace: bool = False,
                    description: str = "") -> Glossary:
        """Create (or replace) a glossary from a file's path or bytes; a bad file changes nothing."""
        validate_name(name)
        if isinstance(source, (bytes, bytearray)):
            data, label = bytes(source), "upload"
            if fmt is None:
                raise BadInputError("give the format of uploaded glossary data")
        else:
            path = Path(source)
            label = path.name
            fmt = fmt or format_from_path(path)
            try:
                data = path.read_bytes()
            except (FileNotFoundError, IsADirectoryError):
                raise BadInputError(f"no such glossary file: {source}") from None
            except PermissionError:
                raise BadInputError(f"cannot read {source}: permission denied") from None
        entries = parse_glossary(data, fmt, source_lang=source_lang, target_lang=target_lang, file=label)
        return self.create(name, entries, description=description, source_lang=source_lang, replace=replace)

    def reset_default(self) -> Glossary:
        """Put back the shipped default glossary's entries (user glossaries untouched)."""
        return self.create(DEFAULT_NAME, load_default_entries(), description=DEFAULT_DESCRIPTION, replace=True)


def inline_glossary(entries: Sequence[GlossaryEntry]) -> Glossary:
    """A request's own entries; its version is derived from the content so cache keys tell them apart."""
    checked = check_entries(entries)
    payload = json.dumps([[e.source, sorted(e.renderings.items()), e.type, list(e.aliases), e.case_sensitive,
                           *([sorted(e.short_renderings.items())] if e.short_renderings else [])]
                          for e in checked], ensure_ascii=False)
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return Glossary(name=INLINE_NAME, entries=tuple(checked), id=f"inline-{digest[:16]}",
                    version=int(digest[:8], 16))
