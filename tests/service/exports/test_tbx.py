"""TBX of the entities a brief used, read back by the glossary layer's TBX reader."""
from __future__ import annotations

from lxml import etree

from service.brief import Brief, BriefMeta, EntityReport
from service.exports.tbx import read_tbx, write_tbx


def test_round_trip_keeps_every_entity_with_renderings(make_brief):
    brief = make_brief()
    data = write_tbx(brief)
    etree.fromstring(data)
    entries = read_tbx(data)
    with_renderings = [e for e in brief.entities if e.renderings]
    assert [e.source for e in entries] == [e.source for e in with_renderings]
    for entry, entity in zip(entries, with_renderings, strict=True):
        assert entry.renderings == entity.renderings
        assert entry.type == entity.type
        assert entry.source_ref == (f"glossary {entity.glossary}" if entity.glossary else entity.resolution)


def test_learned_and_unresolved_names(tmp_path):
    learned = EntityReport("Harborton", "place", "learned", None, {"ja": "ハーバートン"})
    unresolved = EntityReport("Zed", "person", "unresolved", None, {})
    odd_type = EntityReport("Gizmo", "product", "learned", None, {"ko": "기즈모"})
    brief = Brief(segments=[], entities=[learned, unresolved, odd_type], meta=BriefMeta(target_langs=["ja", "ko"]))
    entries = read_tbx(write_tbx(brief))
    assert [(e.source, e.source_ref, e.type) for e in entries] == [("Harborton", "learned", "place"),
                                                                    ("Gizmo", "learned", "term")]


def test_a_brief_without_entities_gives_an_empty_but_valid_tbx():
    data = write_tbx(Brief(segments=[], entities=[], meta=BriefMeta()))
    assert etree.fromstring(data).tag == "martif"
    assert read_tbx(data) == []


def test_hostile_entity_text_stays_well_formed(hostile_brief):
    hostile_brief.entities.append(EntityReport("<b>]]>&amp;\u202e", "term", "learned", None, {"ja": "<i>\x01"}))
    entries = read_tbx(write_tbx(hostile_brief))
    assert entries[-1].source == "<b>]]>&amp;"  # markup kept as text; the bidi control removed, as from any import
    assert entries[-1].renderings == {"ja": "<i>\ufffd"}
