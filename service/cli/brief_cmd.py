"""``python -m service brief FILE|-``: one article in, one bilingual brief out."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from service.errors import BadInputError, GlossaryNotFoundError
from service.exports import ALL_FORMATS, export_brief
from service.fileio import write_atomic
from service.glossary.learned import LearnedGlossary
from service.glossary.store_api import GlossaryStoreProtocol
from service.pipeline import BriefRequest, build_brief, decode_text
from service.runtime.resources import Resources
from service.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``brief`` command."""
    p = subparsers.add_parser("brief", help="summarize an English article and translate the summary")
    p.add_argument("file", help="article text file (UTF-8), or - for standard input")
    p.add_argument("--to", default=None, help="target languages, comma-separated (default from settings)")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--sentences", type=int, help="number of summary sentences")
    size.add_argument("--ratio", type=float, help="share of the article's sentences to keep, in (0, 1]")
    p.add_argument("--format", choices=ALL_FORMATS, default="text",
                   help="xliff (2.0) and xliff12 write one file per target language, tmx and tbx one file")
    p.add_argument("--out", metavar="DIR|PREFIX",
                   help="write files instead of printing: into DIR as brief<suffix> (e.g. brief.ja.xlf), "
                        "or as PREFIX<suffix> (e.g. --out out/harbor -> out/harbor.ja.xlf); "
                        "needed when a format makes several files")
    p.add_argument("--glossary", action="append", default=[], metavar="NAME",
                   help="named glossary to apply (repeatable; 'default' always applies last)")
    p.add_argument("--summarizer", choices=("extractive", "abstractive"), default=None)
    p.add_argument("--save-learned", metavar="NAME",
                   help="add the names no glossary knew, as rendered in this brief, to glossary NAME")
    p.add_argument("--models-dir", help="model store to use (e.g. one written by models build-tiny)")
    p.set_defaults(handler=run_brief)


def run_brief(args: argparse.Namespace, settings: Settings) -> int:
    """Read the article, build the brief, print it."""
    text = decode_text(_read_input(args.file), origin=args.file)
    targets = tuple(args.to.split(",")) if args.to else settings.target_langs
    request = BriefRequest(
        target_langs=tuple(t.strip() for t in targets if t.strip()),
        sentences=args.sentences, ratio=args.ratio, source_lang=settings.source_lang,
        glossaries=tuple(args.glossary), summarizer=args.summarizer,
    )
    resources = Resources(settings)
    learned = LearnedGlossary()
    brief = build_brief(text, request, resources, learned=learned)
    files = export_brief(brief, args.format)
    if args.out:
        for path in write_files(args.out, files):
            print(f"wrote {path}", file=sys.stderr)
    elif len(files) > 1:
        raise BadInputError(f"--format {args.format} makes {len(files)} files (one per target language); "
                            "give --out DIR or --out PREFIX")
    else:
        sys.stdout.write(files[0][1].decode("utf-8"))  # every format is UTF-8 text
    if args.save_learned:
        _save_learned(resources.glossaries, args.save_learned, learned)
    return 0


def write_files(out: str, files: list[tuple[str, bytes]], stem: str = "brief") -> list[Path]:
    """Write each ``(suffix, data)`` as ``DIR/<stem><suffix>`` (``out`` a directory) or ``<out><suffix>``.

    Each file goes to a temporary file in the same folder first and is renamed into place,
    so a reader never sees half a file.
    """
    target = Path(out)
    base = target / stem if target.is_dir() or out.endswith(os.sep) else target
    if not base.parent.is_dir():
        raise BadInputError(f"no such directory: {base.parent}")
    paths = []
    for suffix, data in files:
        path = base.with_name(base.name + suffix)
        write_atomic(path, data)
        paths.append(path)
    return paths


def _save_learned(store: GlossaryStoreProtocol, name: str, learned: LearnedGlossary) -> None:
    """Promote this job's learned names into a named glossary (created when missing)."""
    entries = learned.entries()
    if not entries:
        print(f"no new names to save to glossary {name}", file=sys.stderr)
        return
    try:
        store.add_entries(name, entries)
    except GlossaryNotFoundError:
        store.create(name, entries, description="names learned from briefs")
    print(f"saved {len(entries)} learned name(s) to glossary {name}", file=sys.stderr)


def _read_input(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    path = Path(name)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInputError(f"no such file: {name}") from None
    except IsADirectoryError:
        raise BadInputError(f"{name} is a directory, not an article file") from None
    except PermissionError:
        raise BadInputError(f"cannot read {name}: permission denied") from None
