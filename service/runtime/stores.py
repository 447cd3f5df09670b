"""Every store that lives in the service's database, migrated together (``store migrate|export|import``)."""
from __future__ import annotations

from service.glossary.store import GlossaryStore
from service.memory.store import MemoryStore
from service.storage.keys import KeyStore


def migrate_stores(url: str) -> dict[str, int]:
    """Bring every store at ``url`` up to this service's schema; its schema version per component."""
    glossaries, keys, memories = GlossaryStore(url), KeyStore(url), MemoryStore(url)
    try:
        return {"glossaries": glossaries.schema_version(), "api_keys": keys.schema_version(),
                "memories": memories.schema_version()}  # memories and stored briefs
    finally:
        glossaries.close()
        keys.close()
        memories.close()
