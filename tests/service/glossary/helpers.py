"""What the glossary store tests share: a small newsroom glossary and a store file from before SQLAlchemy."""
from __future__ import annotations

from pathlib import Path

from service.glossary.model import GlossaryEntry
from service.glossary.store import GlossaryStore

NEWS = [
    GlossaryEntry("Lloyd Austin", {"ja": "ロイド・オースティン", "ko": "로이드 오스틴"}, type="person",
                  aliases=("Austin", "Secretary Austin"), notes="US SecDef 2021-2025", source_ref="defense.gov"),
    GlossaryEntry("Tokyo", {"ja": "東京都", "ko": "도쿄도"}, type="place"),
    GlossaryEntry("ICBM", {"ja": "大陸間弾道ミサイル", "ko": "대륙간탄도미사일"},
                  aliases=("intercontinental ballistic missile",), case_sensitive=False),
]


PRE_SQLALCHEMY_STORE = Path(__file__).resolve().parents[2] / "data" / "stores" / "pre_sqlalchemy.sqlite3"


def snapshot(store: GlossaryStore) -> list:
    """Everything a user can see: the listing and a full export of each glossary."""
    infos = store.list_glossaries()
    return [infos] + [store.export(info.name, "tsv") for info in infos]
