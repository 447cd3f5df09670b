"""Shipped data is shared and read-only: only an admin key changes the ``default`` glossary.

With keys on, every key reads ``default``; changing or replacing it needs a key listed in
``http.admin_keys``, and nobody deletes it (``python -m service glossary reset-default`` puts
back its shipped entries). With keys off and no key sent (single-user mode) changes work as
before, except deleting, which was never possible.
"""
from __future__ import annotations

from flask import current_app

from service.api import access
from service.errors import BriefsError, ForbiddenError
from service.glossary.store import DEFAULT_NAME
from service.resources import get_resources

RESET_HINT = "`python -m service glossary reset-default` restores its shipped entries"


def is_shipped(name: str) -> bool:
    """``name`` is the default glossary, by name or by id."""
    if name.lower() == DEFAULT_NAME.lower():
        return True
    try:
        return get_resources().glossaries.get(name).name == DEFAULT_NAME
    except BriefsError:
        return False


def require_admin_for_shipped(name: str) -> None:
    """403 unless the caller may change the shipped glossary ``name`` (no-op for other glossaries)."""
    if not is_shipped(name):
        return
    http = current_app.extensions["briefs"].settings.http
    key = access.current_key()
    if key is None and not http.api_keys_required:
        return  # single-user mode
    if key is not None and key.id in http.admin_keys:
        return
    raise ForbiddenError(f"the {DEFAULT_NAME!r} glossary is shared, read-only data: only an admin key "
                         f"(http.admin_keys) may change it; {RESET_HINT}")


def refuse_shipped_delete(name: str) -> None:
    if is_shipped(name):
        raise ForbiddenError(f"the {DEFAULT_NAME!r} glossary cannot be deleted; {RESET_HINT}")
