"""Briefs to export: built by the real pipeline over the test doubles, and one hand-made hostile brief."""
from __future__ import annotations

import pytest

from service.brief import AlignedSegment, Brief, BriefMeta, EntityMention, EntityReport
from service.pipeline import BriefRequest, build_brief
from service.runtime.resources import Resources
from tests.fakes import FakeModelManager
from tests.helpers import make_settings
from tests.service.exports.helpers import HOSTILE

ARTICLE = (
    "Officials met in Tokyo on Monday to discuss a new port agreement. "
    "Delegates from Seoul said the talks in Tokyo were frank.\n\n"
    "A joint statement is expected before the summit in May."
)


@pytest.fixture
def make_brief(tmp_path):
    """Build a brief of ``text`` through the pipeline (tagging translator, lead summarizer)."""
    settings = make_settings(tmp_path)
    resources = Resources(settings, models=FakeModelManager(settings))

    def build(text: str = ARTICLE, sentences: int = 3, langs: tuple[str, ...] = ("ja", "ko")) -> Brief:
        return build_brief(text, BriefRequest(target_langs=langs, sentences=sentences), resources)

    return build


@pytest.fixture
def hostile_brief() -> Brief:
    """Markup, an escaped entity, a CDATA end, bidi controls and a control character in every text."""
    ja, ko = "東京で" + HOSTILE, "도쿄 " + HOSTILE
    start = HOSTILE.index("Tokyo")
    mentions = [EntityMention("s1", "en", start, start + 5), EntityMention("s1", "ja", 0, 2),
                EntityMention("s1", "ko", 0, 2)]
    return Brief(
        segments=[AlignedSegment("s1", 0, HOSTILE, {"ja": ja, "ko": ko}, {"ja": "model", "ko": "edited"})],
        entities=[EntityReport("Tokyo", "place", "glossary", "default", {"ja": "東京", "ko": "도쿄"}, mentions)],
        meta=BriefMeta(target_langs=["ja", "ko"]),
    )
