"""Glossary file formats: DeepL pairs (TSV/CSV), full TSV/CSV, TBX; every malformed case names its line."""
from __future__ import annotations

import pytest

from service.errors import BadInputError, GlossaryFormatError, UnknownLanguageError
from service.glossary.formats import format_from_path, parse_glossary, serialise_glossary
from service.glossary.model import GlossaryEntry

FULL_HEADER = "source\ttype\tja\tko\taliases\tnotes\tcase_sensitive\tsource_ref\n"
TBX_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<martif type="TBX"><text><body>\n'
TBX_TAIL = "</body></text></martif>\n"


def tbx_entry(en: str = "Tokyo", ja: str = "東京", lang: str = "ja") -> str:
    return (f'<termEntry><langSet xml:lang="en"><tig><term>{en}</term></tig></langSet>'
            f'<langSet xml:lang="{lang}"><tig><term>{ja}</term></tig></langSet></termEntry>\n')


def full_row(source: str, kind: str = "place", ja: str = "東京", ko: str = "도쿄", aliases: str = "",
             case: str = "true") -> str:
    return f"{source}\t{kind}\t{ja}\t{ko}\t{aliases}\tnote\t{case}\tref\n"


BAD_FILES = [
    # (id, fmt, target, data, line, message fragment)
    ("tsv-bad-utf8", "tsv", "ja", b"Tokyo\t\xe6\x9d\xb1\xe4\xba\xac\nOsaka\t\xff\xfe\n", 2, "UTF-8"),
    ("tsv-one-column", "tsv", "ja", "Tokyo\t東京\nOsaka\n".encode(), 2, "expected 2 columns"),
    ("tsv-three-columns", "tsv", "ja", "Tokyo\t東京\nOsaka\t大阪\textra\n".encode(), 2, "found 3"),
    ("tsv-duplicate-source", "tsv", "ja", "Tokyo\t東京\nOsaka\t大阪\ntokyo\t東京都\n".encode(), 3, "Tokyo"),
    ("tsv-empty-source", "tsv", "ja", "Tokyo\t東京\n\t大阪\n".encode(), 2, "empty source"),
    ("tsv-empty-target", "tsv", "ja", "Tokyo\t東京\n\nOsaka\t \n".encode(), 3, "empty target"),
    ("csv-bad-utf8", "csv", "ja", b"Tokyo,x\n\nOsaka,\xc3\x28\n", 3, "UTF-8"),
    ("csv-one-column", "csv", "ja", "Tokyo,東京\nOsaka\n".encode(), 2, "expected 2 or 4 columns"),
    ("csv-three-columns", "csv", "ja", "Tokyo,東京\nOsaka,大阪,x\n".encode(), 2, "found 3"),
    ("csv-width-change", "csv", "ja", "Tokyo,東京,en,ja\nOsaka,大阪\n".encode(), 2, "expected 4 columns"),
    ("csv-duplicate-source", "csv", "ja", "Tokyo,東京\nTOKYO,東京\n".encode(), 2, "duplicate source"),
    ("csv-empty-source", "csv", "ja", 'Tokyo,東京\n"",大阪\n'.encode(), 2, "empty source"),
    ("csv-empty-target", "csv", "ja", "Tokyo,東京\nOsaka,\n".encode(), 2, "empty target"),
    ("csv-unknown-lang", "csv", "ja", "Tokyo,東京,en,ja\nOsaka,大阪,en,xx\n".encode(), 2, "unknown language"),
    ("csv-lang-mismatch", "csv", "ja", "Tokyo,東京,en,ja\nSeoul,서울,en,ko\n".encode(), 2, "differ"),
    ("csv-bad-quote", "csv", "ja", 'Tokyo,東京\n"Osaka"x,大阪\n'.encode(), 2, "malformed CSV"),
    ("csv-newline-in-field", "csv", "ja", 'Tokyo,東京\n"Osa\nka",大阪\n'.encode(), 2, "line break"),
    ("full-wrong-columns", "tsv", None, (FULL_HEADER + full_row("Tokyo") + "Osaka\tplace\t大阪\n").encode(), 3,
     "expected 8 columns"),
    ("full-unknown-column", "tsv", None, ("source\ttype\tja\tcolour\n" + "Tokyo\tplace\t東京\tred\n").encode(), 1,
     "unknown column"),
    ("full-unknown-lang-column", "tsv", None, "source\ttype\tja\tqq\nTokyo\tplace\t東京\tx\n".encode(), 1,
     "unknown column"),
    ("full-duplicate-source", "tsv", None, (FULL_HEADER + full_row("Tokyo") + full_row("TOKYO")).encode(), 3,
     "duplicate source"),
    ("full-duplicate-alias", "tsv", None,
     (FULL_HEADER + full_row("Tokyo", aliases="Edo") + full_row("Kyoto", aliases="edo")).encode(), 3, "alias"),
    ("full-empty-source", "tsv", None, (FULL_HEADER + full_row("Tokyo") + full_row("")).encode(), 3,
     "empty source"),
    ("full-empty-targets", "tsv", None, (FULL_HEADER + full_row("Tokyo", ja="", ko="")).encode(), 2,
     "empty target"),
    ("full-bad-type", "tsv", None, (FULL_HEADER + full_row("Tokyo", kind="city")).encode(), 2, "unknown type"),
    ("full-bad-case-flag", "tsv", None, (FULL_HEADER + full_row("Tokyo", case="maybe")).encode(), 2,
     "case_sensitive"),
    ("full-csv-wrong-columns", "csv", None, b"source,type,ja\nTokyo,place\n", 2, "expected 3 columns"),
    ("tbx-malformed", "tbx", None, (TBX_HEAD + tbx_entry() + "<termEntry>\n<langSet>\n</termEntry>\n"
                                    + TBX_TAIL).encode(), 6, "malformed XML"),
    ("tbx-bad-utf8", "tbx", None, TBX_HEAD.encode() + b"\n<termEntry>\xff</termEntry>" + TBX_TAIL.encode(), 4,
     "malformed XML"),
    ("tbx-unknown-lang", "tbx", None, (TBX_HEAD + tbx_entry() + tbx_entry("Seoul", "서울", lang="zz")
                                       + TBX_TAIL).encode(), 4, "unknown language"),
    ("tbx-duplicate-source", "tbx", None, (TBX_HEAD + tbx_entry() + tbx_entry("tokyo", "東京都")
                                           + TBX_TAIL).encode(), 4, "duplicate source"),
    ("tbx-empty-target", "tbx", None, (TBX_HEAD + tbx_entry() + tbx_entry("Seoul", "") + TBX_TAIL).encode(), 4,
     "empty target"),
    ("tbx-no-source", "tbx", None, (TBX_HEAD + tbx_entry()
                                    + '<termEntry><langSet xml:lang="ja"><tig><term>大阪</term></tig></langSet>'
                                    '</termEntry>\n' + TBX_TAIL).encode(), 4, "no 'en' term"),
    ("tbx-not-tbx", "tbx", None, b'<?xml version="1.0"?>\n<html><body/></html>\n', 2, "not a TBX file"),
]


def test_control_and_bidi_characters_are_removed_from_file_entries():
    [entry] = parse_glossary("Tok\u202eyo\t東\x07京\n".encode(), "tsv", target_lang="ja", file="dirty.tsv")
    assert (entry.source, entry.renderings) == ("Tokyo", {"ja": "東京"})


@pytest.mark.parametrize(("fmt", "target", "data", "line", "fragment"),
                         [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES])
def test_malformed_file_names_its_line(fmt, target, data, line, fragment):
    with pytest.raises(GlossaryFormatError) as caught:
        parse_glossary(data, fmt, target_lang=target, file=f"bad.{fmt}")
    assert caught.value.line == line
    assert caught.value.file == f"bad.{fmt}"
    assert fragment.lower() in caught.value.detail.lower()
    assert f"line {line}" in caught.value.detail


@pytest.mark.parametrize(("fmt", "data"), [
    ("tsv", "Tokyo\t東京\n"),
    ("csv", "Tokyo,東京\n"),
])
def test_pair_file_needs_a_target_language(fmt, data):
    with pytest.raises(GlossaryFormatError, match="target language"):
        parse_glossary(data.encode(), fmt)


def test_unknown_target_language_is_refused():
    with pytest.raises(UnknownLanguageError):
        parse_glossary("Tokyo\t東京\n".encode(), "tsv", target_lang="xx")


@pytest.mark.parametrize("data", [b"", b"\n\n", "\ufeff".encode()])
def test_empty_file_is_refused(data):
    with pytest.raises(GlossaryFormatError, match="no entries"):
        parse_glossary(data, "tsv", target_lang="ja")


@pytest.mark.parametrize(("fmt", "data", "expected"), [
    ("tsv", "\ufeffTokyo\t東京\r\nSeoul Station\tソウル駅\r\n", [("Tokyo", "東京"), ("Seoul Station", "ソウル駅")]),
    ("tsv", "Tokyo\t東京\n\n\nOsaka\t大阪", [("Tokyo", "東京"), ("Osaka", "大阪")]),
    ("csv", '\ufeff"Tokyo, Japan",東京\r\n"Say ""hi""",やあ\r\n', [("Tokyo, Japan", "東京"), ('Say "hi"', "やあ")]),
    ("csv", "Tokyo,東京,en,ja\nOsaka,大阪,EN,JA\n", [("Tokyo", "東京"), ("Osaka", "大阪")]),
])
def test_pair_files_parse(fmt, data, expected):
    entries = parse_glossary(data.encode(), fmt, target_lang="ja")
    assert [(e.source, e.renderings["ja"]) for e in entries] == expected


def test_csv_with_language_columns_supplies_the_target():
    entries = parse_glossary("Seoul,서울,en,ko\n".encode(), "csv")
    assert entries[0].renderings == {"ko": "서울"}


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_pair_files_round_trip(fmt):
    entries = [GlossaryEntry("Tokyo, Japan" if fmt == "csv" else "Tokyo", {"ja": "東京"}),
               GlossaryEntry("Seoul", {"ja": "ソウル"})]
    data = serialise_glossary(entries, fmt, target_lang="ja")
    assert parse_glossary(data, fmt, target_lang="ja") == entries


def rich_entries() -> list[GlossaryEntry]:
    return [
        GlossaryEntry("Lloyd Austin", {"ja": "ロイド・オースティン", "ko": "로이드 오스틴"}, type="person",
                      aliases=("Austin", "Secretary Austin"), notes="US SecDef 2021-2025", source_ref="ref 1"),
        GlossaryEntry("ICBM", {"ja": "大陸間弾道ミサイル", "ko": "대륙간탄도미사일", "zh": "洲际弹道导弹"},
                      aliases=("intercontinental ballistic missile",), case_sensitive=False),
        GlossaryEntry("Kyiv", {"ja": "キーウ"}, type="place", variants={"ja": ("キエフ",)}),
    ]


@pytest.mark.parametrize("fmt", ["tsv", "csv", "tbx"])
def test_full_formats_round_trip_every_field(fmt):
    entries = rich_entries()
    assert parse_glossary(serialise_glossary(entries, fmt), fmt) == entries


def test_tbx_target_export_keeps_only_that_language():
    data = serialise_glossary(rich_entries(), "tbx", target_lang="ko")
    parsed = parse_glossary(data, "tbx")
    assert [e.source for e in parsed] == ["Lloyd Austin", "ICBM"]
    assert all(set(e.renderings) == {"ko"} for e in parsed)


def test_tbx_import_with_target_keeps_only_that_language():
    data = serialise_glossary(rich_entries()[:2], "tbx")
    assert [e.renderings for e in parse_glossary(data, "tbx", target_lang="ko")] == [
        {"ko": "로이드 오스틴"}, {"ko": "대륙간탄도미사일"}]


def test_tbx_import_with_target_refuses_an_entry_without_it():
    data = serialise_glossary(rich_entries()[:2], "tbx")
    with pytest.raises(GlossaryFormatError, match="no zh term"):
        parse_glossary(data, "tbx", target_lang="zh")


def test_tbx_regional_language_tags_are_accepted():
    data = (TBX_HEAD + tbx_entry(lang="ja-JP") + TBX_TAIL).encode()
    assert parse_glossary(data, "tbx")[0].renderings == {"ja": "東京"}


def xxe_payload(target: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE martif [\n<!ENTITY xxe SYSTEM "{target}">\n]>\n'
            '<martif type="TBX"><text><body><termEntry>'
            '<langSet xml:lang="en"><tig><term>&xxe;</term></tig></langSet>'
            '<langSet xml:lang="ja"><tig><term>x</term></tig></langSet>'
            "</termEntry></body></text></martif>").encode()


def test_tbx_xxe_is_refused_and_never_reads_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    with pytest.raises(GlossaryFormatError) as caught:
        parse_glossary(xxe_payload(secret.as_uri()), "tbx", file="evil.tbx")
    assert "entity" in caught.value.detail
    assert caught.value.line == 3
    assert "TOP-SECRET" not in str(caught.value)


def test_tbx_entity_bomb_is_refused():
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE martif [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
            b'<martif><text><body><termEntry><langSet xml:lang="en"><tig><term>&b;</term></tig></langSet>'
            b"</termEntry></body></text></martif>")
    with pytest.raises(GlossaryFormatError, match="entity"):
        parse_glossary(bomb, "tbx")


def test_tbx_external_dtd_is_not_fetched():
    data = ('<?xml version="1.0"?>\n<!DOCTYPE martif SYSTEM "http://127.0.0.1:9/x.dtd">\n'
            + TBX_HEAD.split("\n", 1)[1] + tbx_entry() + TBX_TAIL).encode()
    assert parse_glossary(data, "tbx")[0].source == "Tokyo"


@pytest.mark.parametrize(("name", "fmt"), [("a.tsv", "tsv"), ("b.TSV", "tsv"), ("c.csv", "csv"),
                                           ("d.tbx", "tbx"), ("e.txt", "tsv")])
def test_format_from_path(name, fmt):
    assert format_from_path(name) == fmt


@pytest.mark.parametrize("name", ["glossary.xlsx", "glossary"])
def test_format_from_path_refuses_unknown(name):
    with pytest.raises(BadInputError, match="--format"):
        format_from_path(name)


def test_unknown_format_is_refused():
    with pytest.raises(BadInputError, match="unknown glossary format"):
        parse_glossary(b"x\ty\n", "xlsx", target_lang="ja")


SHORT = [GlossaryEntry("Antony Blinken", {"ja": "アントニー・ブリンケン", "ko": "토니 블링컨"}, type="person",
                       aliases=("Blinken",), short_renderings={"ja": "ブリンケン", "ko": "블링컨"}),
         GlossaryEntry("Park Jin", {"ja": "朴振", "ko": "박진"}, type="person", short_renderings={"ko": "박"}),
         GlossaryEntry("Tokyo", {"ja": "東京"}, type="place")]


@pytest.mark.parametrize("fmt", ["tsv", "csv", "tbx"])
def test_short_renderings_round_trip(fmt: str) -> None:
    assert parse_glossary(serialise_glossary(SHORT, fmt), fmt) == SHORT


def test_short_renderings_are_columns_and_a_tbx_short_form() -> None:
    tsv = serialise_glossary(SHORT, "tsv").decode()
    assert tsv.splitlines()[0].endswith("\tshort_ja\tshort_ko")
    assert "shortForm" in serialise_glossary(SHORT, "tbx").decode()
    assert "short_ja" not in serialise_glossary(SHORT[2:], "tsv").decode()  # written only when an entry has one


@pytest.mark.parametrize(("header", "row", "message"), [
    ("short_xx", "x", "unknown column"),
    ("short_zh", "奎尔", "short zh rendering, but no zh rendering"),
])
def test_bad_short_columns_name_the_problem(header: str, row: str, message: str) -> None:
    data = f"{FULL_HEADER.rstrip()}\t{header}\n{full_row('Tokyo').rstrip()}\t{row}\n".encode()
    with pytest.raises(GlossaryFormatError, match=message):
        parse_glossary(data, "tsv")
