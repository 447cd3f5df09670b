"""``python -m service tm import|list|export|delete``: translation memories from edited XLIFF and TMX files."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from service.errors import BadInputError
from service.fileio import write_atomic
from service.memory.store import MemoryInfo, MemoryStore
from service.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``tm`` command and its subcommands."""
    p = subparsers.add_parser("tm", help="import, list, export and delete translation memories")
    sub = p.add_subparsers(dest="tm_command", required=True, metavar="SUBCOMMAND")

    imp = sub.add_parser("import", help="add the translations of an XLIFF (2.x or 1.2) or TMX file to a memory")
    imp.add_argument("file", help="XLIFF or TMX file, e.g. a brief's XLIFF after post-editing in a CAT tool")
    imp.add_argument("--name", help="memory to add to, created when missing (default: the file name's stem)")
    imp.set_defaults(handler=run_import)

    sub.add_parser("list", help="list every translation memory (name, units, pairs, updated, owner or shared)"
                   ).set_defaults(handler=run_list)

    exp = sub.add_parser("export", help="write a memory as TMX 1.4b")
    exp.add_argument("name")
    exp.add_argument("--out", help="output file (default: standard output)")
    exp.set_defaults(handler=run_export)

    delete = sub.add_parser("delete", help="delete a memory")
    delete.add_argument("name")
    delete.set_defaults(handler=run_delete)


def _store(settings: Settings) -> MemoryStore:
    return MemoryStore(settings.database_url)


def default_name(path: Path) -> str:
    """A memory name from a file name: ``brief.ja.xlf`` -> ``brief.ja``."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", path.stem).strip("-. ")[:64]
    return name or "memory"


def _line(info: MemoryInfo) -> str:
    return (f"{info.name}\t{info.unit_count} unit(s)\t{', '.join(info.pairs) or '-'}\t{info.updated_at}\t"
            f"{info.owner or 'shared'}")


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BadInputError(f"no such file: {args.file}") from None
    except IsADirectoryError:
        raise BadInputError(f"{args.file} is a directory, not an XLIFF or TMX file") from None
    except PermissionError:
        raise BadInputError(f"cannot read {args.file}: permission denied") from None
    info = _store(settings).import_file(data, args.name or default_name(path), file=path.name)
    print(f"imported {args.file} into translation memory {info.name}: {info.unit_count} unit(s)", file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    memories = _store(settings).list_memories()
    if not memories:
        print("no translation memories (add one with `tm import FILE`)", file=sys.stderr)
    for info in memories:
        print(_line(info))
    return 0


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    data = _store(settings).export_tmx(args.name)
    if args.out:
        out = Path(args.out)
        if not out.parent.is_dir():
            raise BadInputError(f"no such directory: {out.parent}")
        write_atomic(out, data)
        print(f"wrote {out}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0


def run_delete(args: argparse.Namespace, settings: Settings) -> int:
    _store(settings).delete(args.name)
    print(f"deleted translation memory {args.name}", file=sys.stderr)
    return 0
