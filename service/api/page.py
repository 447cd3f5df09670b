"""The reviewer page at ``/``: paste an article, see the brief side by side, edit, download.

Server-rendered Jinja (autoescaped) with one small script; every asset is served by the app.
The page itself is public; everything it does goes through the API with the reviewer's key,
including the brief view, a fragment at ``/v1/briefs/{id}/view`` (so it is guarded like the API).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, render_template

from service.api.context import get_resources
from service.api.tenancy import current_tenant
from service.brief import TITLE_ID, Brief
from service.exports.common import Span, segment_spans
from service.languages import LANGUAGES

bp = Blueprint("desk", __name__, template_folder="templates", static_folder="static/desk",
               static_url_path="/desk/static")

# Column headings in each language's own name.
NATIVE_NAMES = {"en": "English", "ja": "日本語", "ko": "한국어", "zh": "中文", "fr": "Français", "de": "Deutsch"}
PALETTE_SIZE = 8


@dataclass(frozen=True)
class Piece:
    """A run of text in a cell: plain (``entity`` None) or one entity mention."""

    text: str
    entity: int | None = None


def language_name(code: str) -> str:
    return NATIVE_NAMES.get(code, LANGUAGES.get(code, code))


def pieces(text: str, spans: list[Span], index: dict[str, int]) -> list[Piece]:
    """``text`` cut into plain runs and entity mentions (numbered as in ``index``)."""
    out, last = [], 0
    for span in spans:
        if span.start > last:
            out.append(Piece(text[last:span.start]))
        out.append(Piece(text[span.start:span.end], index.get(span.source)))
        last = span.end
    if last < len(text) or not out:
        out.append(Piece(text[last:]))
    return out


def view_model(brief: Brief) -> dict:
    """What the brief template needs: columns, cells cut into pieces (the title's row first), warnings by
    place, and what was left out of the brief."""
    source = brief.meta.source_lang or "en"
    langs = [source, *brief.meta.target_langs]
    spans = segment_spans(brief)
    index = {e.source: n for n, e in enumerate(brief.entities)}
    rows = []
    for segment in brief.units():
        texts = {source: segment.en, **segment.translations}
        rows.append({
            "segment": segment,
            "is_title": segment.id == TITLE_ID,
            "cells": [{"lang": lang, "pieces": pieces(texts.get(lang, ""), spans.get((segment.id, lang), []), index),
                       "provenance": segment.provenance.get(lang, "") if lang != source else "",
                       "warnings": [w for w in brief.meta.warnings if w.segment == segment.id and w.lang == lang]}
                      for lang in langs],
            "warnings": [w for w in brief.meta.warnings if w.segment == segment.id and not w.lang],
        })
    general = [w for w in brief.meta.warnings if not w.segment]
    return {"langs": [(lang, language_name(lang)) for lang in langs], "rows": rows, "source": source,
            "entities": list(enumerate(brief.entities)), "general": general, "palette": PALETTE_SIZE,
            "dropped": brief.meta.dropped}


@bp.route("/")
def page() -> str:
    """The reviewer page (the form; the brief view is fetched with the reviewer's key)."""
    settings = get_resources().settings
    targets = [(code, language_name(code)) for code in settings.target_langs]
    return render_template("desk/page.html", targets=targets, limits=settings.limits)


@bp.route("/v1/briefs/<bid>/view")
def brief_view(bid: str) -> Response:
    """A stored brief as the page's side-by-side HTML fragment."""
    stored = get_resources().memories.briefs.get(bid, tenant=current_tenant())
    html = render_template("desk/brief_view.html", id=stored.id, version=stored.version,
                           history=stored.history, **view_model(stored.brief))
    return Response(html, mimetype="text/html")
