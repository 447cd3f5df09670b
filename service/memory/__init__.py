"""Translation memories: XLIFF/TMX imports, TMX exports, exact reuse and fuzzy suggestions in briefs."""
from __future__ import annotations

from service.memory.files import MemoryMatch, MemoryUnit, match_key, read_memory_file
from service.memory.reuse import apply_memory, replace_translation
from service.memory.store import MemoryInfo, MemoryNotFoundError, MemoryStore, validate_memory_name

__all__ = ["MemoryInfo", "MemoryMatch", "MemoryNotFoundError", "MemoryStore", "MemoryUnit", "apply_memory",
           "match_key", "read_memory_file", "replace_translation", "validate_memory_name"]
