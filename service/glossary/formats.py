"""Glossary files: DeepL-style pair files (TSV, CSV), our full TSV/CSV, and TBX.

* Pair files carry ONE target language: ``source<TAB>target`` per line (TSV) or
  ``source,target[,source_lang,target_lang]`` (CSV, RFC 4180), no header.
* Full files start with a header ``source, type, <lang>..., aliases, notes,
  case_sensitive, source_ref`` and carry every language of an entry (the
  shipped default glossary is one). Optional columns follow: ``variants`` and
  ``short_<lang>`` (a person's short rendering, ``short_ja``: ブリンケン).
* TBX (via translate-toolkit, see :mod:`service.glossary.formats_tbx`) carries all languages.

Every problem raises :class:`GlossaryFormatError` naming the file and line.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from service.errors import BadInputError, GlossaryFormatError, UnknownLanguageError
from service.glossary.formats_tbx import parse_tbx, serialise_tbx
from service.glossary.model import ENTRY_TYPES, GlossaryEntry
from service.glossary.validation import TermIndex, make_entry
from service.languages import validate_lang

FORMATS = ("tsv", "csv", "tbx")
# Spreadsheets treat a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FULL_LEADING = ("source", "type")
FULL_TRAILING = ("aliases", "notes", "case_sensitive", "source_ref")
FULL_OPTIONAL = ("variants",)  # written only when an entry has variants: ``ja:キエフ|ko:키예프``
SHORT_PREFIX = "short_"  # ``short_ja``: short renderings, written only when an entry has one
PREFERRED_LANG_ORDER = ("ja", "ko")
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n"}

Row = tuple[int, list[str]]


def format_from_path(path: str | Path) -> str:
    """The glossary format named by a file's extension (``.tsv``, ``.csv``, ``.tbx``)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "txt":
        return "tsv"
    if suffix not in FORMATS:
        raise BadInputError(f"cannot tell the glossary format of {Path(path).name}; "
                            f"pass --format ({', '.join(FORMATS)})")
    return suffix


def check_format(fmt: str) -> str:
    """Return ``fmt`` normalised; BadInputError if it is not a glossary format."""
    normalised = (fmt or "").strip().lower()
    if normalised not in FORMATS:
        raise BadInputError(f"unknown glossary format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return normalised


def parse_glossary(data: bytes, fmt: str, *, source_lang: str = "en", target_lang: str | None = None,
                   file: str | None = None) -> list[GlossaryEntry]:
    """Parse a glossary file's bytes into entries; GlossaryFormatError names the bad line."""
    fmt = check_format(fmt)
    source_lang = validate_lang(source_lang)
    target_lang = validate_lang(target_lang) if target_lang else None
    if fmt == "tbx":
        return parse_tbx(data, source_lang=source_lang, target_lang=target_lang, file=file)
    rows = _rows(decode_utf8(data, file), fmt, file)
    if not rows:
        raise GlossaryFormatError("the file has no entries", file=file)
    if _is_full_header(rows[0][1]):
        return parse_full_rows(rows, file=file)
    return _parse_pairs(rows, fmt, source_lang, target_lang, file)


def serialise_glossary(entries: Sequence[GlossaryEntry], fmt: str, *, source_lang: str = "en",
                       target_lang: str | None = None) -> bytes:
    """Write entries as a pair file (``target_lang`` given), a full file, or TBX."""
    fmt = check_format(fmt)
    if fmt == "tbx":
        return serialise_tbx(entries, source_lang=source_lang, target_lang=target_lang)
    if target_lang:
        target_lang = validate_lang(target_lang)
        rows = [[e.source, e.renderings[target_lang]] for e in entries if target_lang in e.renderings]
    else:
        rows = _full_rows(entries)
    return _write_rows(rows, fmt).encode("utf-8")


def decode_utf8(data: bytes, file: str | None = None) -> str:
    """UTF-8 text without a leading BOM; GlossaryFormatError names the line of a bad byte."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"glossary data must be bytes, got {type(data).__name__}")
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GlossaryFormatError("not valid UTF-8 text", line=line, file=file) from None
    return text[1:] if text.startswith("\ufeff") else text


# -- text rows ---------------------------------------------------------------------------------

def _rows(text: str, fmt: str, file: str | None) -> list[Row]:
    """Non-blank rows with their 1-based starting line numbers."""
    if fmt == "tsv":
        rows = [(n, [restore_formula(c) for c in line.rstrip("\r").split("\t")])
                for n, line in enumerate(text.split("\n"), 1)]
    else:
        rows = []
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise GlossaryFormatError(f"malformed CSV: {exc}", line=start, file=file) from None
            rows.append((start, [restore_formula(c) for c in cells]))
    return [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]


def _write_rows(rows: Iterable[Sequence[str]], fmt: str) -> str:
    if fmt == "tsv":  # spreadsheets open TSV as readily as CSV: the same formula guard
        return "".join("\t".join(neutralize_formula(c) for c in row) + "\n" for row in rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([[neutralize_formula(c) for c in row] for row in rows])
    return out.getvalue()


def neutralize_formula(cell: str) -> str:
    """A CSV or TSV cell a spreadsheet would run as a formula (``=HYPERLINK(...)``) gets a leading apostrophe."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def restore_formula(cell: str) -> str:
    """Undo :func:`neutralize_formula` when a CSV or TSV export is imported again."""
    return cell[1:] if cell.startswith("'") and cell[1:2] and cell[1] in FORMULA_PREFIXES else cell


# -- pair files ---------------------------------------------------------------------------------

def _parse_pairs(rows: list[Row], fmt: str, source_lang: str, target_lang: str | None,
                 file: str | None) -> list[GlossaryEntry]:
    widths = (2, 4) if fmt == "csv" else (2,)
    width = len(rows[0][1])
    if target_lang is None and fmt == "csv" and width == 4:
        target_lang = _row_lang(rows[0][1][3], rows[0][0], file)
    if target_lang is None:
        raise GlossaryFormatError(f"a {fmt.upper()} pair file holds one language: give the target "
                                  "language (--target)", file=file)
    index = TermIndex(file)
    entries = []
    for line, cells in rows:
        if len(cells) not in widths or len(cells) != width:
            expected = " or ".join(str(w) for w in widths) if len(cells) not in widths else str(width)
            raise GlossaryFormatError(f"expected {expected} columns (source, target"
                                      f"{', source_lang, target_lang' if fmt == 'csv' else ''}), "
                                      f"found {len(cells)}", line=line, file=file)
        source, target = cells[0].strip(), cells[1].strip()
        if not source:
            raise GlossaryFormatError("empty source term", line=line, file=file)
        if not target:
            raise GlossaryFormatError(f"empty target term for {source!r}", line=line, file=file)
        if width == 4:
            pair = (_row_lang(cells[2], line, file), _row_lang(cells[3], line, file))
            if pair != (source_lang, target_lang):
                raise GlossaryFormatError(f"languages {pair[0]}-{pair[1]} differ from "
                                          f"{source_lang}-{target_lang}", line=line, file=file)
        entry = make_entry(line, file, source=source, renderings={target_lang: target})
        index.add(entry, line)
        entries.append(entry)
    return entries


def _row_lang(code: str, line: int, file: str | None) -> str:
    try:
        return validate_lang(code)
    except UnknownLanguageError as exc:
        raise GlossaryFormatError(exc.detail, line=line, file=file) from None


# -- full files ---------------------------------------------------------------------------------

def _is_full_header(cells: Sequence[str]) -> bool:
    names = [c.strip().lower() for c in cells]
    return len(names) >= 3 and names[0] == "source" and "type" in names


def parse_full_rows(rows: list[Row], *, file: str | None = None) -> list[GlossaryEntry]:
    """Entries from a full file's rows; the first row is its header."""
    header_line, header = rows[0]
    columns = _full_columns(header, header_line, file)
    index = TermIndex(file)
    entries = []
    for line, cells in rows[1:]:
        if len(cells) != len(columns):
            raise GlossaryFormatError(f"expected {len(columns)} columns ({', '.join(columns)}), "
                                      f"found {len(cells)}", line=line, file=file)
        entry = _full_entry(dict(zip(columns, (c.strip() for c in cells), strict=True)), line, file)
        index.add(entry, line)
        entries.append(entry)
    if not entries:
        raise GlossaryFormatError("the file has a header but no entries", line=header_line, file=file)
    return entries


def _full_columns(header: Sequence[str], line: int, file: str | None) -> list[str]:
    columns = []
    for cell in header:
        name = cell.strip().lower()
        if name not in FULL_LEADING + FULL_TRAILING + FULL_OPTIONAL:
            short = name.startswith(SHORT_PREFIX)
            try:
                code = validate_lang(name.removeprefix(SHORT_PREFIX))
            except UnknownLanguageError:
                raise GlossaryFormatError(f"unknown column {cell!r}: expected {', '.join(FULL_LEADING)}, "
                                          f"language codes, {', '.join(FULL_TRAILING)}, "
                                          f"{', '.join(FULL_OPTIONAL)} or {SHORT_PREFIX}<language code>",
                                          line=line, file=file) from None
            name = ("short:" if short else "lang:") + code
        if name in columns:
            raise GlossaryFormatError(f"column {cell!r} appears twice", line=line, file=file)
        columns.append(name)
    if not any(c.startswith("lang:") for c in columns):
        raise GlossaryFormatError("the header names no language column", line=line, file=file)
    return columns


def _full_entry(cells: dict[str, str], line: int, file: str | None) -> GlossaryEntry:
    source = cells["source"]
    if not source:
        raise GlossaryFormatError("empty source term", line=line, file=file)
    kind = cells["type"] or "term"
    if kind not in ENTRY_TYPES:
        raise GlossaryFormatError(f"unknown type {kind!r}; expected one of {', '.join(ENTRY_TYPES)}",
                                  line=line, file=file)
    renderings = {c[5:]: v for c, v in cells.items() if c.startswith("lang:") and v}
    if not renderings:
        raise GlossaryFormatError(f"empty target: no rendering for {source!r}", line=line, file=file)
    flag = cells.get("case_sensitive", "").lower()
    if flag and flag not in _TRUE | _FALSE:
        raise GlossaryFormatError(f"case_sensitive must be true or false, not {flag!r}", line=line, file=file)
    aliases = tuple(a.strip() for a in cells.get("aliases", "").split("|") if a.strip())
    short = {c[6:]: v for c, v in cells.items() if c.startswith("short:") and v}
    return make_entry(line, file, source=source, renderings=renderings, type=kind, aliases=aliases,
                      notes=cells.get("notes", ""), case_sensitive=flag not in _FALSE,
                      source_ref=cells.get("source_ref", ""),
                      variants=_parse_variants(cells.get("variants", ""), line, file), short_renderings=short)


def _parse_variants(cell: str, line: int, file: str | None) -> dict[str, tuple[str, ...]]:
    variants: dict[str, list[str]] = {}
    for item in (i.strip() for i in cell.split("|")):
        if not item:
            continue
        lang, sep, text = item.partition(":")
        if not sep or not text.strip():
            raise GlossaryFormatError(f"variant {item!r} must look like lang:text", line=line, file=file)
        variants.setdefault(_row_lang(lang, line, file), []).append(text.strip())
    return {lang: tuple(texts) for lang, texts in variants.items()}


def _full_rows(entries: Sequence[GlossaryEntry]) -> list[list[str]]:
    present = {lang for e in entries for lang in e.renderings}
    langs = [x for x in PREFERRED_LANG_ORDER if x in present] + sorted(present - set(PREFERRED_LANG_ORDER))
    with_variants = any(e.variants for e in entries)
    short_langs = [lang for lang in langs if any(lang in e.short_renderings for e in entries)]
    rows = [[*FULL_LEADING, *langs, *FULL_TRAILING, *(FULL_OPTIONAL if with_variants else ()),
             *(SHORT_PREFIX + lang for lang in short_langs)]]
    for e in entries:
        row = [e.source, e.type, *(e.renderings.get(lang, "") for lang in langs), "|".join(e.aliases),
               e.notes, "true" if e.case_sensitive else "false", e.source_ref]
        if with_variants:
            row.append("|".join(f"{lang}:{v}" for lang, texts in sorted(e.variants.items()) for v in texts))
        row += [e.short_renderings.get(lang, "") for lang in short_langs]
        rows.append(row)
    return rows
