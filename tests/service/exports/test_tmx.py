"""TMX 1.4b: one tu per segment with every language, read back through translate-toolkit and lxml."""
from __future__ import annotations

import pytest
from lxml import etree

from service.exports.common import ExchangeFileError
from service.exports.tmx import read_tmx, write_tmx
from tests.service.exports.helpers import HOSTILE


def test_round_trip_keeps_every_language_provenance_and_entities(make_brief):
    brief = make_brief()
    data = write_tmx(brief)
    root = etree.fromstring(data)
    assert root.tag == "tmx"
    assert root.get("version") == "1.4"
    tus = root.findall("body/tu")
    assert [tu.get("tuid") for tu in tus] == [s.id for s in brief.segments]
    assert all([tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in tu.findall("tuv")]
               == ["en", "ja", "ko"] for tu in tus)
    source_lang, segments = read_tmx(data)
    assert source_lang == "en"
    for segment, original in zip(segments, brief.segments, strict=True):
        assert segment.texts == {"en": original.en, **original.translations}
        assert segment.provenance == original.provenance
    for lang in ("en", "ja", "ko"):
        back = sorted((sp.source, s.id, sp.start, sp.end) for s in segments for sp in s.spans.get(lang, []))
        want = sorted((e.source, m.segment, m.start, m.end) for e in brief.entities for m in e.mentions
                      if m.lang == lang)
        assert back == want


def test_props_come_before_seg_as_the_dtd_orders_them(make_brief):
    root = etree.fromstring(write_tmx(make_brief()))
    for tuv in root.iter("tuv"):
        tags = [child.tag for child in tuv]
        assert tags[-1] == "seg"
        assert set(tags[:-1]) <= {"prop", "note"}


def test_hostile_text_stays_well_formed(hostile_brief):
    data = write_tmx(hostile_brief)
    root = etree.fromstring(data)
    assert not list(root.iter("script"))
    _, [segment] = read_tmx(data)
    assert segment.texts["en"] == HOSTILE.replace("\x07", "\ufffd")
    assert segment.provenance == {"ja": "model", "ko": "edited"}


@pytest.mark.parametrize(("data", "message"), [
    (b"<tmx version='1.4'><header srclang='en'/><body><tu>", "malformed XML"),
    (b"<xliff version='2.0'/>", "not a TMX file"),
    (b"<tmx version='1.4'><body/></tmx>", "no <header>"),
    (b"<!DOCTYPE tmx [<!ENTITY big 'x'>]><tmx version='1.4'><header srclang='en'/><body/></tmx>", "entity"),
    (b"<tmx version='1.4'><header srclang='en'/><body><tu tuid='t7'><tuv><seg>x</seg></tuv></tu></body></tmx>",
     "t7"),
], ids=["truncated", "wrong-root", "no-header", "entity-declaration", "tuv-without-lang"])
def test_malformed_tmx_is_refused(data, message):
    with pytest.raises(ExchangeFileError, match=message):
        read_tmx(data, file="memory.tmx")
