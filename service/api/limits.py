"""Bounds on one request, checked by the schemas before any work and shown in the OpenAPI document.

The limits live in settings (``[limits]``). The schemas carry them as marshmallow validators, so
the OpenAPI document shows ``maxItems``/``maxLength`` (the defaults of ``service.settings.Limits``;
a deployment that configures other values enforces those). Totals that JSON Schema cannot say
(all texts together, the inline glossary's size) are described on the field and checked by the
request schema. Everything counted here is what the request makes the service process, so the
character quota (:func:`request_characters`) charges the same.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import current_app, has_app_context
from marshmallow import ValidationError, validate

from service.settings import Limits

DEFAULTS = Limits()


def configured(name: str) -> int:
    """The limit ``limits.<name>`` of the running app (the default outside one)."""
    if has_app_context():
        resources = current_app.extensions.get("briefs")
        if resources is not None:
            return int(getattr(resources.settings.limits, name))
    return int(getattr(DEFAULTS, name))


class LimitedLength(validate.Length):
    """``validate.Length`` whose maximum is the setting ``limits.<setting>`` (documented with its default)."""

    def __init__(self, setting: str, *, min: int | None = None) -> None:
        super().__init__(min=min, max=int(getattr(DEFAULTS, setting)))
        self.setting = setting

    def __call__(self, value: Any) -> Any:
        limit = configured(self.setting)
        if self.min is not None and len(value) < self.min:
            raise ValidationError(f"must have at least {self.min} item(s) or character(s)")
        if len(value) > limit:
            raise ValidationError(f"has {len(value)}, over the limit of {limit} (limits.{self.setting})")
        return value


def limit_note(setting: str, what: str) -> str:
    """A field description naming a limit the schema cannot express."""
    return f"{what} at most {getattr(DEFAULTS, setting)} characters by default (limits.{setting})"


def entry_characters(entry: Any) -> int:
    """Characters the matcher indexes for one glossary entry (source, aliases, renderings, notes)."""
    if isinstance(entry, Mapping):
        source, aliases = entry.get("source", ""), entry.get("aliases", ())
        renderings, notes = entry.get("renderings", {}), entry.get("notes", "")
        short = entry.get("short_renderings") or {}
    else:
        source, aliases, renderings, notes = entry.source, entry.aliases, entry.renderings, entry.notes
        short = entry.short_renderings
    return (len(source) + sum(len(a) for a in aliases) + len(notes)
            + sum(len(k) + len(v) for k, v in [*dict(renderings).items(), *dict(short).items()]))


def check_inline_glossary(entries: Iterable[Any]) -> None:
    """The inline glossary's total size (its entry count is a List bound)."""
    limit = configured("max_inline_chars")
    total = sum(entry_characters(e) for e in entries)
    if total > limit:
        raise ValidationError(f"the inline glossary has {total} characters; the limit is {limit} "
                              "(limits.max_inline_chars); store it as a named glossary", "inline_glossary")


def check_total(texts: Iterable[str], field: str) -> None:
    """All texts of one request together."""
    limit = configured("max_total_chars")
    total = sum(len(t) for t in texts)
    if total > limit:
        raise ValidationError(f"the request has {total} characters of text; the limit is {limit} "
                              "(limits.max_total_chars); send fewer texts per request", field)


def request_characters(body: Mapping[str, Any]) -> int:
    """What a briefs/translate request makes the service process: its texts and its inline glossary."""
    texts = body.get("texts") or body.get("segments") or ([body["text"]] if "text" in body else [])
    return sum(len(t) for t in texts) + sum(entry_characters(e) for e in body.get("inline_glossary") or ())
