"""Reading memory units from XLIFF and TMX files; each bad file refused with where."""
from __future__ import annotations

import pytest

from service.brief import AlignedSegment, Brief, BriefMeta
from service.exports import export_brief
from service.exports.common import ExchangeFileError
from service.memory.files import MemoryUnit, match_key, read_memory_file, write_memory_tmx


def _brief() -> Brief:
    reviewed = {"ja": "edited", "ko": "edited"}
    return Brief(segments=[AlignedSegment("s1", 0, "Rain fell.", {"ja": "雨", "ko": "비"}, dict(reviewed)),
                           AlignedSegment("s2", 1, "Markets were calm.", {"ja": "市場", "ko": ""}, dict(reviewed))],
                 entities=[], meta=BriefMeta(target_langs=["ja", "ko"]))


@pytest.mark.parametrize("fmt", ["xliff", "xliff12"])
def test_xliff_units_come_from_each_translated_segment(fmt):
    [(_, ja), (_, ko)] = export_brief(_brief(), fmt)
    assert read_memory_file(ja, "b.ja.xlf") == [MemoryUnit("en", "ja", "Rain fell.", "雨", "b.ja.xlf#s1"),
                                                MemoryUnit("en", "ja", "Markets were calm.", "市場", "b.ja.xlf#s2")]
    assert [u.target for u in read_memory_file(ko)] == ["비"], "empty targets are skipped"


def test_tmx_gives_one_unit_per_target_language():
    [(_, data)] = export_brief(_brief(), "tmx")
    units = read_memory_file(data)
    assert [(u.target_lang, u.source, u.target) for u in units] == [
        ("ja", "Rain fell.", "雨"), ("ko", "Rain fell.", "비"), ("ja", "Markets were calm.", "市場")]


def _machine_brief() -> Brief:
    model = {"ja": "model", "ko": "model"}
    return Brief(segments=[AlignedSegment("s1", 0, "Rain fell.", {"ja": "雨", "ko": "비"}, dict(model)),
                           AlignedSegment("s2", 1, "Calm.", {"ja": "静か", "ko": "조용"}, dict(model))],
                 entities=[], meta=BriefMeta(target_langs=["ja", "ko"]))


@pytest.mark.parametrize("fmt", ["xliff", "xliff12"])
def test_only_post_edited_machine_targets_are_imported(fmt):
    from lxml import etree

    ja = export_brief(_machine_brief(), fmt)[0][1]
    root = etree.fromstring(ja)
    target = root.findall(".//{*}target")[1]
    target.text = "穏やかだった。"
    units = read_memory_file(etree.tostring(root))
    assert [(u.source, u.target) for u in units] == [("Calm.", "穏やかだった。")]


def test_untouched_machine_output_alone_is_refused():
    with pytest.raises(ExchangeFileError, match="machine output"):
        read_memory_file(export_brief(_machine_brief(), "xliff")[0][1])


def test_tmx_of_a_brief_skips_the_model_translations():
    brief = _machine_brief()
    brief.segments[1].provenance["ko"] = "edited"
    units = read_memory_file(export_brief(brief, "tmx")[0][1])
    assert [(u.target_lang, u.target) for u in units] == [("ko", "조용")]


def _titled_brief() -> Brief:
    brief = _machine_brief()
    brief.title = AlignedSegment("title", 0, "Rain Falls On Tokyo", {"ja": "東京に雨", "ko": "도쿄에 비"},
                                 {"ja": "model", "ko": "model"})
    return brief


@pytest.mark.parametrize("fmt", ["xliff", "xliff12"])
def test_a_post_edited_title_comes_back_from_xliff(fmt):
    from lxml import etree

    ja = export_brief(_titled_brief(), fmt)[0][1]
    root = etree.fromstring(ja)
    title = root.findall(".//{*}target")[0]
    title.text = "東京で雨が降る"
    units = read_memory_file(etree.tostring(root), "b.ja.xlf")
    assert units == [MemoryUnit("en", "ja", "Rain Falls On Tokyo", "東京で雨が降る", "b.ja.xlf#title")]


def test_an_edited_title_comes_back_from_tmx():
    brief = _titled_brief()
    brief.title.provenance["ko"] = "edited"  # type: ignore[union-attr]
    units = read_memory_file(export_brief(brief, "tmx")[0][1])
    assert [(u.source, u.target_lang, u.target) for u in units] == [("Rain Falls On Tokyo", "ko", "도쿄에 비")]


def test_memory_tmx_round_trips():
    units = [MemoryUnit("en", "ja", "Rain fell.", "雨"), MemoryUnit("en", "ko", "Rain fell.", "비"),
             MemoryUnit("en", "ja", "Calm <b> & ]]>", "静か")]
    back = read_memory_file(write_memory_tmx(units))
    assert sorted((u.source, u.target_lang, u.target) for u in back) == sorted(
        (u.source, u.target_lang, u.target) for u in units)


def test_match_key_ignores_spacing_and_unicode_form_only():
    assert match_key("  Rain\u00a0 fell.\n") == match_key("Rain fell.")
    assert match_key("Cafe\u0301") == match_key("Caf\u00e9")
    assert match_key("rain fell.") != match_key("Rain fell.")


XLIFF2 = ("<xliff version='2.0' xmlns='urn:oasis:names:tc:xliff:document:2.0' srcLang='en' trgLang='{lang}'>"
          "<file id='f'><unit id='u1'><segment><source>Hi.</source>{target}</segment></unit></file></xliff>")


@pytest.mark.parametrize(("data", "message"), [
    (b"<xliff version='2.0'><file>", "line 1"),
    (b"<html><body/></html>", "not an XLIFF or TMX file"),
    (XLIFF2.format(lang="ja", target="").encode(), "no translated units"),
    (XLIFF2.format(lang="xx", target="<target>x</target>").encode(), "unit u1"),
    (b"<tmx version='1.4'><header srclang='en'/><body><tu tuid='t1'><tuv xml:lang='ja'><seg>x</seg></tuv></tu>"
     b"</body></tmx>", "unit t1"),
    (b"<?xml version='1.0'?><!DOCTYPE tmx [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><tmx>&e;</tmx>", "entity"),
    (b"\xff\xfe<", "malformed"),
], ids=["malformed", "not-xliff-or-tmx", "no-targets", "unknown-language", "tu-without-source", "xxe",
        "not-utf8"])
def test_bad_files_are_refused(data, message):
    with pytest.raises(ExchangeFileError, match=message):
        read_memory_file(data, "bad.xlf")
