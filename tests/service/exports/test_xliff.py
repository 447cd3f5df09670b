"""XLIFF 2.0 and 1.2: written through translate-toolkit, read back by it, parsed by lxml."""
from __future__ import annotations

import pytest
from lxml import etree

from service.exports import export_brief
from service.exports.common import ExchangeFileError
from service.exports.xliff import XLIFF2_NS, XLIFF12_NS, read_xliff, write_xliff2, write_xliff12
from tests.service.exports.helpers import HOSTILE

WRITERS = [("xliff", write_xliff2, XLIFF2_NS), ("xliff12", write_xliff12, XLIFF12_NS)]


def _mentions(brief, lang):
    """(entity, segment, start, end) of every mention in ``lang`` ('en' for the source)."""
    return sorted((e.source, m.segment, m.start, m.end) for e in brief.entities for m in e.mentions
                  if m.lang == lang)


@pytest.mark.parametrize(("fmt", "write", "ns"), WRITERS, ids=["xliff2", "xliff12"])
def test_round_trip_keeps_segments_targets_provenance_and_entities(make_brief, fmt, write, ns):
    brief = make_brief()
    assert brief.entities, "the article should hit the default glossary"
    for lang in ("ja", "ko"):
        data = write(brief, lang)
        root = etree.fromstring(data)
        assert root.nsmap[None] == ns
        source_lang, target_lang, segments = read_xliff(data)
        assert (source_lang, target_lang) == ("en", lang)
        assert [s.id for s in segments] == [s.id for s in brief.segments]
        assert [s.texts["en"] for s in segments] == [s.en for s in brief.segments]
        assert [s.texts[lang] for s in segments] == [s.translations[lang] for s in brief.segments]
        assert all(s.provenance[lang] == "model" for s in segments)
        for code in ("en", lang):
            back = sorted((sp.source, s.id, sp.start, sp.end) for s in segments for sp in s.spans.get(code, []))
            assert back == _mentions(brief, code)


def test_xliff2_is_one_unit_per_segment_with_notes_first_and_protected_markers(make_brief):
    brief = make_brief()
    root = etree.fromstring(write_xliff2(brief, "ja"))
    ns = {"x": XLIFF2_NS}
    assert root.get("version") == "2.0"
    assert root.get("srcLang") == "en"
    assert root.get("trgLang") == "ja"
    units = root.findall(".//x:unit", ns)
    assert [u.get("id") for u in units] == [s.id for s in brief.segments]
    for unit in units:
        # Schema order: notes before segments; no xml:space on <segment>.
        assert etree.QName(unit[0]).localname == "notes"
        assert all(etree.QName(child).localname == "segment" for child in unit[1:])
        assert unit.find("x:segment", ns).get("{http://www.w3.org/XML/1998/namespace}space") is None
        assert unit.find("x:segment/x:target", ns) is not None
    markers = root.findall(".//x:mrk", ns)
    assert markers
    assert all(m.get("translate") == "no" and m.get("type") == "term" for m in markers)
    for unit in units:
        ids = [m.get("id") for m in unit.iter(f"{{{XLIFF2_NS}}}mrk")]
        assert len(ids) == len(set(ids)), "inline ids must be unique within a unit"


def test_xliff12_marks_entities_protected_and_keeps_provenance_notes(make_brief):
    root = etree.fromstring(write_xliff12(make_brief(), "ko"))
    ns = {"x": XLIFF12_NS}
    assert root.get("version") == "1.2"
    file_el = root.find("x:file", ns)
    assert (file_el.get("source-language"), file_el.get("target-language")) == ("en", "ko")
    assert all(m.get("mtype") == "protected" for m in root.iter(f"{{{XLIFF12_NS}}}mrk"))
    notes = [n.text for n in root.iter(f"{{{XLIFF12_NS}}}note") if n.get("from") == "provenance"]
    assert notes
    assert set(notes) == {"model"}
    # No stray namespaces from the toolkit's 1.1 defaults.
    assert "urn:oasis:names:tc:xliff:document:1.1" not in etree.tostring(root).decode()


@pytest.mark.parametrize("fmt", ["xliff", "xliff12"])
def test_one_file_per_target_language(make_brief, fmt):
    files = export_brief(make_brief(langs=("ja", "ko")), fmt)
    assert [suffix.split(".")[1] for suffix, _ in files] == ["ja", "ko"]
    assert all(suffix.endswith(".xlf") for suffix, _ in files)


@pytest.mark.parametrize(("fmt", "write", "ns"), WRITERS, ids=["xliff2", "xliff12"])
def test_hostile_text_stays_well_formed_and_inert(hostile_brief, fmt, write, ns):
    data = write(hostile_brief, "ja")
    root = etree.fromstring(data)
    assert not list(root.iter("{*}script")), "markup in the text must stay text"
    _, _, [segment] = read_xliff(data)
    expected = HOSTILE.replace("\x07", "\ufffd")  # XML 1.0 cannot carry it; one for one, offsets hold
    assert segment.texts["en"] == expected
    assert segment.texts["ja"] == "東京で" + expected
    assert [sp.source for sp in segment.spans["en"]] == ["Tokyo"]


def test_edited_provenance_travels(hostile_brief):
    _, _, [segment] = read_xliff(write_xliff2(hostile_brief, "ko"))
    assert segment.provenance == {"ko": "edited"}


@pytest.mark.parametrize(("data", "message"), [
    (b"<xliff version='2.0' xmlns='urn:oasis:names:tc:xliff:document:2.0' srcLang='en'><file id='f'>",
     "malformed XML"),
    (b"<tmx version='1.4'/>", "not an XLIFF file"),
    (b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><xliff version='2.0'>&a;</xliff>", "entity"),
    (b"<xliff version='2.0' xmlns='urn:oasis:names:tc:xliff:document:2.0'><file id='f'>"
     b"<unit id='u1'><segment><target>x</target></segment></unit></file></xliff>", "srcLang"),
    (b"", "malformed XML"),
], ids=["truncated", "wrong-root", "entity-declaration", "no-srcLang", "empty"])
def test_malformed_xliff_is_refused_with_where(data, message):
    with pytest.raises(ExchangeFileError, match=message):
        read_xliff(data, file="edited.xlf")


def test_malformed_xliff_error_names_the_line():
    data = b"<xliff version='2.0'>\n<file id='f'>\n<unit>\n</file></xliff>"
    with pytest.raises(ExchangeFileError) as info:
        read_xliff(data)
    assert info.value.line == 4


def test_xliff12_unit_without_source_names_the_unit():
    data = (b"<xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'><file original='f' "
            b"source-language='en' target-language='ja' datatype='plaintext'><body>"
            b"<trans-unit id='s9'><target>x</target></trans-unit></body></file></xliff>")
    with pytest.raises(ExchangeFileError, match="s9"):
        read_xliff(data)


@pytest.mark.parametrize(("status", "state2", "state12", "approved"), [
    ("confirmed", "final", "final", "yes"),
    ("edited", "translated", "needs-review-translation", "no"),
    ("draft", "translated", "needs-review-translation", "no"),
    (None, "translated", "needs-review-translation", "no"),  # a brief without statuses: drafts
])
def test_only_confirmed_translations_export_as_final(make_brief, status, state2, state12, approved):
    brief = make_brief(sentences=2, langs=("ja",))
    brief.segments[0].status = {"ja": status} if status else {}
    unit2 = next(etree.fromstring(write_xliff2(brief, "ja")).iter(f"{{{XLIFF2_NS}}}segment"))
    unit12 = next(etree.fromstring(write_xliff12(brief, "ja")).iter(f"{{{XLIFF12_NS}}}trans-unit"))
    assert unit2.get("state") == state2
    assert (unit12.find(f"{{{XLIFF12_NS}}}target").get("state"), unit12.get("approved")) == (state12, approved)
