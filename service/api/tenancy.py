"""The tenant of an HTTP request, and the glossary store as that tenant sees it.

Every door that names a glossary goes through :func:`tenant_glossaries` (never the store directly),
so :mod:`service.storage.tenancy`'s rules hold everywhere: a key sees its own (its team's) glossaries and
the shared ones; another tenant's glossary answers exactly as a missing one (404); a visible change
the key may not make is 403 (a reader writing; a non-admin changing shared data such as ``default``).
Briefs and translate requests name glossaries: :meth:`TenantGlossaries.scoped_request` resolves
those names for the tenant *before* the pipeline runs and hands the pipeline their ids.

With keys off and no key sent (single-user mode) the tenant is :data:`~service.storage.tenancy.SINGLE_USER`:
an admin of the shared data, so everything behaves as before tenancy. Nobody deletes ``default``
(``python -m service glossary reset-default`` puts back its shipped entries).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from flask import current_app

from service.api import access
from service.api.context import get_resources
from service.errors import BriefsError, ForbiddenError, GlossaryNotFoundError
from service.glossary.model import Glossary, GlossaryEntry, GlossaryInfo
from service.glossary.store import DEFAULT_NAME
from service.glossary.store_api import GlossaryStoreProtocol
from service.pipeline.request import BriefRequest
from service.storage.tenancy import SINGLE_USER, Tenant, require_change

RESET_HINT = "`python -m service glossary reset-default` restores its shipped entries"
STORE_ID = re.compile(r"^[0-9a-f]{32}$")  # the store's glossary ids (uuid4 hex)
DASHED_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def store_id(glossary_id: str) -> str | None:
    """The store's form (32 hex digits) of a glossary id given as a dashed UUID (as the DeepL doors show
    ids) or plain; None when it is neither."""
    if DASHED_ID.match(glossary_id):
        return glossary_id.replace("-", "").lower()
    return glossary_id if STORE_ID.match(glossary_id) else None


def current_tenant() -> Tenant:
    """Whom this request acts for: its verified key's tenant, or single-user mode without a key."""
    key = access.current_key()
    if key is None:
        return SINGLE_USER  # keys off and none sent (with keys on, authentication refused it already)
    http = current_app.extensions["briefs"].settings.http
    return Tenant.for_key(key.id, team=key.team, role=key.role, admin_keys=http.admin_keys)


@dataclass(frozen=True)
class TenantGlossaries:
    """The glossary store as one tenant sees it; the same calls as the store, without ``tenant``."""

    store: GlossaryStoreProtocol
    tenant: Tenant

    def list_glossaries(self) -> list[GlossaryInfo]:
        """The tenant's own glossaries and the shared ones."""
        return self.store.list_glossaries(tenant=self.tenant)

    def get(self, name_or_id: str) -> Glossary:
        """The glossary the tenant means (own first, then shared; ids only if visible); else 404.
        An id may also come in the dashed UUID form the DeepL doors show it in."""
        try:
            return self.store.get(name_or_id, tenant=self.tenant)
        except GlossaryNotFoundError:
            plain = store_id(name_or_id)
            if plain is None or plain == name_or_id:
                raise
            return self.store.get(plain, tenant=self.tenant)

    def export(self, name_or_id: str, fmt: str, target_lang: str | None = None) -> bytes:
        """A visible glossary as a file."""
        return self.store.export(self.get(name_or_id).id, fmt, target_lang=target_lang)

    def create(self, name: str, entries: Sequence[GlossaryEntry], *, description: str = "",
               source_lang: str = "en", replace: bool = False, expected_version: int | None = None,
               display_name: str | None = None) -> Glossary:
        """A new glossary of the tenant's own, or (``replace``) a visible one replaced if the tenant may.

        A name shaped like a store id that names no visible glossary is 404, never a new glossary:
        replacing another tenant's glossary by its id must look exactly like replacing a missing one.
        """
        if store_id(name) and replace:
            name = self.get(name).id
        return self.store.create(name, entries, description=description, source_lang=source_lang,
                                 replace=replace, expected_version=expected_version, tenant=self.tenant,
                                 display_name=display_name)

    def require_change(self, glossary: Glossary) -> None:
        """403 now (before a body is read) when the tenant may read ``glossary`` but not change it."""
        require_change(self.tenant, glossary.owner, noun="glossary",
                       hidden=GlossaryNotFoundError(f"no glossary named {glossary.name!r}", glossary=glossary.name))

    def add_entries(self, name: str, entries: Sequence[GlossaryEntry], *,
                    expected_version: int | None = None) -> Glossary:
        return self.store.add_entries(name, entries, expected_version=expected_version, tenant=self.tenant)

    def delete_entries(self, name: str, sources: Sequence[str], *, expected_version: int | None = None) -> Glossary:
        return self.store.delete_entries(name, sources, expected_version=expected_version, tenant=self.tenant)

    def delete(self, name: str, *, expected_version: int | None = None) -> None:
        """Delete a glossary the tenant may change (the store never deletes ``default``)."""
        self.store.delete(name, expected_version=expected_version, tenant=self.tenant)

    def refuse_shipped_delete(self, name_or_id: str) -> None:
        """403 naming the reset command when ``name_or_id`` is the shipped ``default`` glossary."""
        if self.is_shipped(name_or_id):
            raise ForbiddenError(f"the {DEFAULT_NAME!r} glossary cannot be deleted; {RESET_HINT}")

    def is_shipped(self, name_or_id: str) -> bool:
        """``name_or_id`` is the shipped ``default`` glossary, by name or by id."""
        try:
            glossary = self.get(name_or_id)
        except BriefsError:
            return False
        return glossary.name == DEFAULT_NAME and glossary.owner is None

    def glossary_ids(self, names: Sequence[str]) -> tuple[str, ...]:
        """The ids of the glossaries a request names, as this tenant means them (404 for any it cannot see)."""
        return tuple(self.get(name).id for name in names)

    def scoped_request(self, request: BriefRequest) -> BriefRequest:
        """The request acting for this tenant (whose memories it may reuse), its glossary names
        resolved for the tenant: checked before any work."""
        return replace(request, tenant=self.tenant, glossaries=self.glossary_ids(request.glossaries))


def tenant_glossaries() -> TenantGlossaries:
    """The glossary store as this request's tenant sees it."""
    return TenantGlossaries(get_resources().glossaries, current_tenant())


def visible_glossary_id(name_or_id: str) -> str:
    """The id of a glossary this request's tenant may use (GlossaryNotFoundError otherwise)."""
    return tenant_glossaries().get(name_or_id).id
