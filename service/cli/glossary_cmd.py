"""``python -m service glossary list|show|import|export|delete|assign|reset-default``: manage stored glossaries.

The CLI is the local operator (:data:`service.storage.tenancy.OPERATOR`): it sees every tenant's glossaries
(a team's by its id, or by name when no other glossary has that name); what it imports is shared.
``assign`` gives a glossary to a team or key (or makes it shared again), e.g. after upgrading, when
every glossary made before tenancy is shared.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from service.errors import BadInputError
from service.fileio import write_atomic
from service.settings import Settings

if TYPE_CHECKING:
    from service.glossary.store_api import GlossaryStoreProtocol

FORMAT_CHOICES = ("tsv", "csv", "tbx")
RESET_DEFAULT = "reset-default"  # named by the store's refusal to delete the default glossary


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``glossary`` command and its subcommands."""
    p = subparsers.add_parser("glossary", help="list, show, import, export, delete and reset glossaries")
    sub = p.add_subparsers(dest="glossary_command", required=True, metavar="SUBCOMMAND")

    sub.add_parser("list", help="list stored glossaries").set_defaults(handler=run_list)

    show = sub.add_parser("show", help="print a glossary's entries")
    show.add_argument("name", help="glossary name or id")
    show.set_defaults(handler=run_show)

    imp = sub.add_parser("import", help="create a glossary from a TSV, CSV or TBX file")
    imp.add_argument("file", help="glossary file")
    imp.add_argument("--name", required=True, help="name of the glossary to create")
    imp.add_argument("--format", choices=FORMAT_CHOICES, help="file format (default: from the extension)")
    imp.add_argument("--source", default="en", help="source language of the file (default: en)")
    imp.add_argument("--target", help="target language of a one-language TSV/CSV pair file")
    imp.add_argument("--description", default="", help="a short description")
    imp.add_argument("--replace", action="store_true", help="replace a glossary of the same name")
    imp.set_defaults(handler=run_import)

    exp = sub.add_parser("export", help="write a glossary as TSV, CSV or TBX")
    exp.add_argument("name", help="glossary name or id")
    exp.add_argument("--format", choices=FORMAT_CHOICES, required=True)
    exp.add_argument("--target", help="only this target language (TSV/CSV: source,target pairs)")
    exp.add_argument("--out", help="output file (default: standard output)")
    exp.set_defaults(handler=run_export)

    assign = sub.add_parser("assign", help="give a glossary to a team or a key, or make it shared")
    assign.add_argument("name", help="glossary name or id")
    owner = assign.add_mutually_exclusive_group(required=True)
    owner.add_argument("--team", help="the team whose keys may then use and change it")
    owner.add_argument("--key", help="the key id (bk_...) of a key without a team")
    owner.add_argument("--shared", action="store_true", help="every key reads it, admins change it")
    assign.set_defaults(handler=run_assign)

    delete = sub.add_parser("delete", help="delete a glossary")
    delete.add_argument("name", help="glossary name or id")
    delete.set_defaults(handler=run_delete)

    reset = sub.add_parser(RESET_DEFAULT, help="put back the shipped entries of the default glossary "
                                               "(your own glossaries are untouched)")
    reset.set_defaults(handler=run_reset_default)


def _store(settings: Settings) -> GlossaryStoreProtocol:
    from service.glossary.store import GlossaryStore

    return GlossaryStore(settings.database_url)


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    """One line per glossary: name, entries, languages, version, last change, id."""
    infos = _store(settings).list_glossaries()
    print(f"{'NAME':<24} {'ENTRIES':>7}  {'LANGS':<8} {'VERSION':>7}  {'UPDATED':<20} {'OWNER':<20} ID")
    for info in infos:
        print(f"{info.name:<24} {info.entry_count:>7}  {','.join(info.languages):<8} {info.version:>7}  "
              f"{info.updated_at[:19]:<20} {info.owner or 'shared':<20} {info.id}")
    return 0


def run_show(args: argparse.Namespace, settings: Settings) -> int:
    """The glossary's header and its entries as the full TSV format."""
    store = _store(settings)
    glossary = store.get(args.name)
    print(f"# {glossary.name} (id {glossary.id}, version {glossary.version}, {len(glossary.entries)} entries)")
    if glossary.description:
        print(f"# {glossary.description}")
    sys.stdout.write(store.export(glossary.id, "tsv").decode("utf-8"))
    return 0


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    """Create the glossary from the file; a bad file changes nothing."""
    path = Path(args.file)
    if not path.is_file():
        raise BadInputError(f"no such glossary file: {args.file}")
    glossary = _store(settings).import_file(
        path, name=args.name, fmt=args.format, source_lang=args.source, target_lang=args.target,
        replace=args.replace, description=args.description)
    print(f"imported {len(glossary.entries)} entries into {glossary.name!r} (version {glossary.version})")
    return 0


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write the glossary to --out (atomically) or standard output."""
    data = _store(settings).export(args.name, args.format, target_lang=args.target)
    if not args.out:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    _write_out(Path(args.out), data)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def run_delete(args: argparse.Namespace, settings: Settings) -> int:
    """Delete the glossary."""
    _store(settings).delete(args.name)
    print(f"deleted {args.name!r}")
    return 0


def run_assign(args: argparse.Namespace, settings: Settings) -> int:
    """Give the glossary to a team or key, or make it shared."""
    from service.storage.tenancy import KEY_PREFIX, TEAM_PREFIX, validate_team

    owner: str | None = None
    if args.team is not None:
        try:
            owner = TEAM_PREFIX + validate_team(args.team)
        except ValueError as exc:
            raise BadInputError(str(exc)) from None
    elif args.key is not None:
        from service.storage.keys import KeyStore

        if args.key not in {key.id for key in KeyStore(settings.database_url).list()}:
            raise BadInputError(f"no API key with id {args.key!r}; see `python -m service keys list`")
        owner = KEY_PREFIX + args.key
    glossary = _store(settings).set_owner(args.name, owner)
    print(f"{glossary.name!r} now belongs to {owner or 'everyone (shared)'} (version {glossary.version})")
    return 0


def run_reset_default(args: argparse.Namespace, settings: Settings) -> int:
    """Replace the default glossary's entries with the shipped data (a new version)."""
    glossary = _store(settings).reset_default()
    print(f"reset {glossary.name!r} to the {len(glossary.entries)} shipped entries (version {glossary.version})")
    return 0


def _write_out(path: Path, data: bytes) -> None:
    """The export file, written atomically; a missing folder is bad usage, not a traceback."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BadInputError(f"cannot write {path}: folder {folder} does not exist")
    write_atomic(path, data)
