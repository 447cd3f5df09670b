"""Documents each API key had translated per UTC day, for the document fields of DeepL's ``/v2/usage``.

DeepL's usage answer carries ``document_count`` and ``document_limit`` beside the characters, and
its client reads them into ``Usage.document``. This service sets no document limit (documents are
bounded by the key's characters), so the limit is reported as unlimited and the count is real:
one row per key and day in this module's own table (``compat_document_usage``, versioned in
``compat_document_usage_schema``) in the service's database, so every worker and host shares it.
"""
from __future__ import annotations

from sqlalchemy import Connection, Engine, text

from service.storage.db import MigratedEngine, transaction
from service.storage.keys import today

TABLE = "compat_document_usage"


def _create_table(conn: Connection) -> None:
    conn.execute(text(f"CREATE TABLE {TABLE} (key_id VARCHAR(32) NOT NULL, day VARCHAR(10) NOT NULL, "
                      "documents INTEGER NOT NULL, PRIMARY KEY (key_id, day))"))


MIGRATIONS = [_create_table]


class DocumentUsage:
    """Per-key daily document counts at ``url``; the table is made on first use."""

    def __init__(self, url: str) -> None:
        self._database = MigratedEngine(url, f"{TABLE}_schema", MIGRATIONS, label="document usage")

    def _db(self) -> Engine:
        return self._database.get()

    def count(self, key_id: str, day: str | None = None) -> int:
        """Documents the key had accepted for translation on ``day`` (UTC; today by default)."""
        with transaction(self._db()) as conn:
            found = conn.execute(text(f"SELECT documents FROM {TABLE} WHERE key_id = :k AND day = :d"),
                                 {"k": key_id, "d": day or today()}).scalar()
        return int(found or 0)

    def add(self, key_id: str) -> None:
        """Count one more document for the key today (one atomic statement pair, any worker)."""
        params = {"k": key_id, "d": today()}
        with transaction(self._db(), write=True) as conn:
            conn.execute(text(f"INSERT INTO {TABLE} (key_id, day, documents) VALUES (:k, :d, 0) "
                              "ON CONFLICT (key_id, day) DO NOTHING"), params)
            conn.execute(text(f"UPDATE {TABLE} SET documents = documents + 1 WHERE key_id = :k AND day = :d"),
                         params)

    def close(self) -> None:
        """Release the pooled connections."""
        self._database.close()
