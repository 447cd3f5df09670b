"""``python -m service store migrate|check|export|import``: the store database (SQLite or PostgreSQL)."""
from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from service.runtime.stores import migrate_stores
from service.settings import Settings
from service.storage.transfer import StoreReport, check_engine, export_store, import_store, migrate


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``store`` command and its subcommands."""
    parser = subparsers.add_parser("store", help="migrate, check, export or import the store database")
    sub = parser.add_subparsers(dest="store_command", required=True, metavar="SUBCOMMAND")
    for name, helptext, handler in (
            ("migrate", "apply this service's schema migrations to the store", run_migrate),
            ("check", "say whether the store answers, its schema versions and rows per table", run_check)):
        p = sub.add_parser(name, help=helptext)
        _url_option(p)
        p.set_defaults(handler=handler)
    p = sub.add_parser("export", help="write the whole store to a JSON file (to move it between backends)")
    p.add_argument("file", type=Path, help="the export file to write")
    _url_option(p)
    p.set_defaults(handler=run_export)
    p = sub.add_parser("import", help="replace the store's contents with an export, in one transaction")
    p.add_argument("file", type=Path, help="an export made by `store export`")
    _url_option(p)
    p.set_defaults(handler=run_import)


def _url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="store URL (default: store_url, else sqlite:///<store_path>)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of lines")


def _url(args: argparse.Namespace, settings: Settings) -> str:
    return str(args.url or settings.database_url)


def _print(report: StoreReport, args: argparse.Namespace, verb: str) -> int:
    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False))
        return 0
    versions = ", ".join(f"{k} schema {v}" for k, v in report.versions.items())
    print(f"{verb}: {report.backend} store" + (f" ({versions})" if versions else ""))
    for table, count in report.rows.items():
        print(f"  {table}: {count} rows")
    for table in report.skipped:
        print(f"  {table}: skipped (this backend has no schema for it yet)")
    return 0


def _migrate_all(url: str) -> dict[str, int]:
    """Every store of the service at ``url``, background jobs included (their package sits above runtime)."""
    from service.jobs.store import JobStore

    versions = migrate_stores(url)
    jobs = JobStore(url)
    try:
        versions["jobs"] = jobs.schema_version()
    finally:
        jobs.close()
    return versions


def run_migrate(args: argparse.Namespace, settings: Settings) -> int:
    return _print(migrate(_url(args, settings), _migrate_all), args, "migrated")


def run_check(args: argparse.Namespace, settings: Settings) -> int:
    from service.storage.db import make_engine

    engine = make_engine(_url(args, settings))
    try:
        return _print(check_engine(engine), args, "reachable")
    finally:
        engine.dispose()


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    return _print(export_store(_url(args, settings), args.file, _migrate_all), args, f"exported to {args.file}")


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    return _print(import_store(_url(args, settings), args.file, _migrate_all), args, f"imported {args.file.name}")
