"""From validated request bodies to pipeline requests, and from briefs to response bodies."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import current_app

from service.brief import Brief
from service.pipeline import BriefRequest
from service.settings import Settings

log = logging.getLogger(__name__)


def brief_request(body: dict[str, Any], settings: Settings) -> BriefRequest:
    """A BriefRequest from a validated briefs/translate body, with the service defaults filled in."""
    return BriefRequest(
        target_langs=tuple(body.get("target_langs") or settings.target_langs),
        sentences=body.get("sentences"),
        ratio=body.get("ratio"),
        source_lang=body.get("source_lang") or settings.source_lang,
        glossaries=tuple(body.get("glossaries") or ()),
        inline_glossary=tuple(body.get("inline_glossary") or ()),
        summarizer=body.get("summarizer"),
    )


def brief_body(brief: Brief, include: Iterable[str]) -> dict[str, Any]:
    """The brief's JSON form with only the requested optional parts."""
    data = brief.to_dict()
    wanted = set(include)
    return {k: v for k, v in data.items() if k == "segments" or k in wanted}


def log_texts(texts: Iterable[str], settings: Settings) -> None:
    """Article text is logged only when ``http.log_text`` is on."""
    if settings.http.log_text:
        for text in texts:
            log.info("request text: %s", text)
    else:
        current_app.logger.debug("request with %d text(s) (text logging off)", len(list(texts)))
