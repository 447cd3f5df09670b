"""Migrate, check, export and import a whole store, on either backend.

An export is one JSON document: every data table's rows by column name (migration-history
tables excluded: the target's own migrations make its schema). ``import`` migrates the target,
then replaces the rows of every exported table in ONE transaction, parents before children, so
a failed import changes nothing. Tables the target backend has no schema for (a store that has
not moved onto the shared database yet) are reported, not guessed at.
"""
from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, func, select

from service.errors import BadInputError
from service.fileio import write_atomic
from service.storage.db import make_engine, transaction

FORMAT = "briefs-store-export"
FORMAT_VERSION = 1
MIGRATION_TABLES = frozenset({"schema_version", "api_key_schema", "tm_schema_version"})


def is_migration_table(name: str) -> bool:
    """Migration history (``schema_version``, ``<component>_schema``): each target keeps its own."""
    return name in MIGRATION_TABLES or name.endswith("_schema")


_BYTES = "__base64__"
# Migrates every store at a URL; returns each component's schema version ("glossaries": 9, ...).
MigrateStores = Callable[[str], dict[str, int]]


@dataclass
class StoreReport:
    """What ``check``/``migrate``/``import`` found: backend, schema versions and rows per table."""

    backend: str
    versions: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def migrate(url: str, migrate_stores: MigrateStores) -> StoreReport:
    """Bring every store that lives in the database up to this service's schema (``migrate_stores``
    knows the stores: ``service.runtime.stores.migrate_stores``), then count rows per table."""
    versions = migrate_stores(url)
    engine = make_engine(url)
    try:
        report = check_engine(engine)
    finally:
        engine.dispose()
    report.versions = versions
    return report


def check_engine(engine: Engine) -> StoreReport:
    """Backend and row counts of every data table (StoreUnavailableError if unreachable)."""
    report = StoreReport(backend=engine.dialect.name)
    with transaction(engine) as conn:
        meta = MetaData()
        meta.reflect(conn)
        for table in meta.sorted_tables:
            if not is_migration_table(table.name):
                report.rows[table.name] = int(conn.execute(select(func.count()).select_from(table)).scalar_one())
    return report


def export_store(url: str, target: Path, migrate_stores: MigrateStores) -> StoreReport:
    """Write every data table of the store at ``url`` to ``target`` (temp file, then rename)."""
    migrate_stores(url)
    engine = make_engine(url)
    try:
        tables: dict[str, list[dict[str, Any]]] = {}
        with transaction(engine) as conn:  # one snapshot of the whole store
            meta = MetaData()
            meta.reflect(conn)
            for table in meta.sorted_tables:
                if is_migration_table(table.name):
                    continue
                order = list(table.primary_key.columns) or list(table.columns)
                result = conn.execute(select(table).order_by(*order)).mappings()
                tables[table.name] = [{k: _encode(v) for k, v in row.items()} for row in result]
        document = {"format": FORMAT, "version": FORMAT_VERSION, "backend": engine.dialect.name, "tables": tables}
        write_atomic(target, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"), make_parents=True)
        return StoreReport(backend=engine.dialect.name, rows={k: len(v) for k, v in tables.items()})
    finally:
        engine.dispose()


def import_store(url: str, source: Path, migrate_stores: MigrateStores) -> StoreReport:
    """Replace the store at ``url`` with an export's rows, all in one transaction."""
    document = _read_export(source)
    migrate_stores(url)
    engine = make_engine(url)
    try:
        report = StoreReport(backend=engine.dialect.name)
        with transaction(engine, write=True, lock="glossaries") as conn:
            meta = MetaData()
            meta.reflect(conn)
            known = [t for t in meta.sorted_tables if t.name in document["tables"]]
            report.skipped = sorted(set(document["tables"]) - {t.name for t in known})
            for table in reversed(known):  # children first, so no foreign key points at a deleted row
                conn.execute(table.delete())
            for table in known:
                rows = [{k: _decode(v) for k, v in row.items()} for row in document["tables"][table.name]]
                unknown = {k for row in rows for k in row} - set(table.columns.keys())
                if unknown:
                    raise BadInputError(f"{source.name}: table {table.name} has columns this store lacks: "
                                        f"{', '.join(sorted(unknown))}; upgrade the service first")
                if rows:
                    conn.execute(table.insert(), rows)
                report.rows[table.name] = len(rows)
        return report
    finally:
        engine.dispose()


def _read_export(source: Path) -> dict[str, Any]:
    try:
        document = json.loads(source.read_bytes())
    except FileNotFoundError:
        raise BadInputError(f"no such export file: {source}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInputError(f"{source.name} is not a store export (not JSON: {exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BadInputError(f"{source.name} is not a store export (made by `python -m service store export`)")
    if document.get("version") != FORMAT_VERSION or not isinstance(document.get("tables"), dict):
        raise BadInputError(f"{source.name}: export version {document.get('version')!r} is not one this "
                            f"service reads ({FORMAT_VERSION})")
    return document


def _encode(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {_BYTES: base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {_BYTES}:
        return base64.b64decode(value[_BYTES])
    return value
