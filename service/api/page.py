"""The reviewer page at ``/`` and its permalinks ``/briefs/{id}``: one HTML page, its script and CSS.

The page itself is public and holds no brief: its script asks the API for everything with the
reviewer's key (kept in the tab's sessionStorage) and renders briefs with DOM text nodes only, so
article text stays inert. ``/briefs/{id}`` is the same page opening a stored brief, so a reload or a
shared link reopens it. The old HTML fragment at ``/v1/briefs/{id}/view`` is retired: it redirects there.
"""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response

from service.api.context import get_resources
from service.languages import LANGUAGES

bp = Blueprint("desk", __name__, template_folder="templates", static_folder="static/desk",
               static_url_path="/desk/static")

# Column headings in each language's own name.
NATIVE_NAMES = {"en": "English", "ja": "日本語", "ko": "한국어", "zh": "中文", "fr": "Français", "de": "Deutsch"}


def language_name(code: str) -> str:
    return NATIVE_NAMES.get(code, LANGUAGES.get(code, code))


@bp.route("/")
@bp.route("/briefs/<bid>")
def page(bid: str | None = None) -> str:
    """The reviewer page; with ``bid``, opening that stored brief (the script fetches it with the key)."""
    settings = get_resources().settings
    targets = [(code, language_name(code)) for code in settings.target_langs]
    names = {code: language_name(code) for code in (settings.source_lang, *settings.target_langs)}
    return render_template("desk/page.html", targets=targets, limits=settings.limits, names=names,
                           keys_required=settings.http.api_keys_required)


@bp.route("/v1/briefs/<bid>/view")
def brief_view(bid: str) -> Response:
    """Retired: the stored brief's page is its permalink."""
    return redirect(url_for("desk.page", bid=bid), code=308)
