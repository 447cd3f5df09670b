"""Who may see and change which stored data: the tenant of a request, its role, and the rules.

Plain data and functions (no Flask, no database), so every store and every door applies the
same rules: glossaries today; translation memories and stored briefs use the same functions.

**The principal.** A :class:`Tenant` is what one request acts as:

* ``owner``: the scope the caller's data belongs to: ``"team:<team>"`` when its API key belongs
  to a team (every key of the team shares that data), ``"key:<key id>"`` when the key has no team,
  and ``None`` in single-user mode (keys off and no key sent) or for the local operator (the CLI).
* ``role``: ``admin``, ``editor`` or ``reader`` (keys listed in ``http.admin_keys`` are admins,
  whatever their stored role).

**Data** carries an owner too: an owner scope string, or ``None`` for **shared** data: the shipped
``default`` glossary, data created in single-user mode and data the operator made with the CLI.

**The rules** (``may_read``, ``may_create``, ``may_change``; ``change_access`` says why not):

=================  ===================  =========================  ==========================
                   shared (owner None)  the tenant's own data      another tenant's data
=================  ===================  =========================  ==========================
read / use         every role           every role                 nobody: it looks absent
create             admin                editor, admin              (one creates in one's own)
change / delete    admin                editor, admin              nobody: it looks absent
=================  ===================  =========================  ==========================

Another tenant's data is *hidden*: a door answers exactly as for data that does not exist
(404), so names and ids reveal nothing. Data the caller may read but not change is *forbidden*
(403) for a change: a reader writing, a non-admin changing shared data.
Single-user mode (:data:`SINGLE_USER`) is an admin whose own scope is the shared one, so with
keys off everything behaves as before tenancy existed; :data:`OPERATOR` (the CLI) sees everything.

**How a store applies them** (what ``service/glossary/store.py`` does):

1. keep a nullable ``owner`` column (existing rows: NULL = shared);
2. create with ``owner = tenant.owner`` after :func:`require_create`;
3. list and look up only rows :func:`may_read` allows (SQL: :func:`visible_clause`); by name,
   the tenant's own row first, then a shared one; an invisible row is the store's NotFound;
4. before a change or delete call :func:`require_change` with the row's owner.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

from service.errors import BriefsError, ForbiddenError

ADMIN, EDITOR, READER = "admin", "editor", "reader"
ROLES = (ADMIN, EDITOR, READER)
DEFAULT_ROLE = EDITOR  # a key made without --role: works on its own tenant's data, as every key did before roles
TEAM_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
TEAM_PREFIX, KEY_PREFIX = "team:", "key:"


class Access(enum.Enum):
    """The answer of a rule: allowed, hidden (answer as if absent: 404) or forbidden (403)."""

    ALLOWED = "allowed"
    HIDDEN = "hidden"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True)
class Tenant:
    """The principal of one request: whose data it acts on (``owner``) and what it may do (``role``)."""

    owner: str | None
    role: str = EDITOR
    key_id: str | None = None  # the API key, for messages and logs; None without a key
    sees_everything: bool = False  # the local operator (CLI) only

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; use one of {', '.join(ROLES)}")

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @classmethod
    def for_key(cls, key_id: str, *, team: str | None, role: str,
                admin_keys: tuple[str, ...] | frozenset[str] = ()) -> Tenant:
        """The tenant of an API key: its team's scope (or its own without a team); admin if listed."""
        owner = TEAM_PREFIX + team if team else KEY_PREFIX + key_id
        return cls(owner=owner, role=ADMIN if key_id in admin_keys else role, key_id=key_id)

    def describe(self) -> str:
        """Who this is, for messages: "team newsdesk (reader)", "key bk_12ab (editor)"."""
        if self.sees_everything:
            return "the local operator"
        if self.owner is None:
            return "single-user mode"
        kind, _, name = self.owner.partition(":")
        return f"{kind} {name} ({self.role})"


SINGLE_USER = Tenant(owner=None, role=ADMIN)  # keys off, no key sent: as before tenancy
OPERATOR = Tenant(owner=None, role=ADMIN, sees_everything=True)  # the CLI on the server itself


def validate_team(team: str) -> str:
    """A team name: 1-64 letters, digits, '_', '.' or '-' (ValueError otherwise)."""
    if not TEAM_PATTERN.match(team or ""):
        raise ValueError(f"bad team name {team!r}: use 1-64 letters, digits, '_', '.' or '-', "
                         "starting with a letter or digit")
    return team


def validate_role(role: str) -> str:
    """One of :data:`ROLES` (ValueError otherwise)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return role


def may_read(tenant: Tenant, owner: str | None) -> bool:
    """May ``tenant`` see and use data owned by ``owner`` (None: shared)?"""
    return tenant.sees_everything or owner is None or owner == tenant.owner


def may_change(tenant: Tenant, owner: str | None) -> bool:
    """May ``tenant`` change or delete data owned by ``owner``?"""
    return change_access(tenant, owner) is Access.ALLOWED


def may_create(tenant: Tenant) -> bool:
    """May ``tenant`` create data (it is created in ``tenant.owner``'s scope)?"""
    return may_change(tenant, tenant.owner)


def change_access(tenant: Tenant, owner: str | None) -> Access:
    """The answer for a change to data owned by ``owner``: allowed, hidden (404) or forbidden (403)."""
    if not may_read(tenant, owner):
        return Access.HIDDEN
    if tenant.role == READER:
        return Access.FORBIDDEN
    if owner is None and not tenant.is_admin:
        return Access.FORBIDDEN
    return Access.ALLOWED


def forbidden_reason(tenant: Tenant, owner: str | None, noun: str = "data") -> str:
    """Why a visible change is refused, for a 403's detail."""
    if tenant.role == READER:
        return f"{tenant.describe()} may read and use {noun} but not create, change or delete it"
    return (f"shared {noun} (the shipped default glossary, data made in single-user mode or with the CLI) "
            "changes only with an admin key (role admin, or listed in http.admin_keys)")


def require_change(tenant: Tenant, owner: str | None, *, hidden: BriefsError, noun: str = "data") -> None:
    """Raise ``hidden`` (the store's own not-found error) or ForbiddenError unless the change is allowed."""
    answer = change_access(tenant, owner)
    if answer is Access.HIDDEN:
        raise hidden
    if answer is Access.FORBIDDEN:
        raise ForbiddenError(forbidden_reason(tenant, owner, noun))


def require_create(tenant: Tenant, noun: str = "data") -> None:
    """ForbiddenError unless ``tenant`` may create (readers never; shared scope: admins only)."""
    if not may_create(tenant):
        raise ForbiddenError(forbidden_reason(tenant, tenant.owner, noun))


def visible_clause(tenant: Tenant, column: str = "owner") -> tuple[str, dict[str, Any]]:
    """A SQL condition (and its parameters) keeping the rows ``tenant`` may read.

    ``column`` must be a trusted column name, never user input.
    """
    if tenant.sees_everything:
        return "1 = 1", {}
    if tenant.owner is None:
        return f"{column} IS NULL", {}
    return f"({column} IS NULL OR {column} = :tenant_owner)", {"tenant_owner": tenant.owner}
