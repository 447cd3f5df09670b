"""The glossary store interface: the SQLite store meets it, and its shared half works on any backend."""
from __future__ import annotations

import inspect
from collections.abc import Sequence

import pytest

from service.errors import BadInputError, ConflictError, GlossaryNotFoundError
from service.glossary.model import Glossary, GlossaryEntry
from service.glossary.store import GlossaryStore
from service.glossary.store_api import GlossaryStoreBase, GlossaryStoreProtocol, inline_glossary
from service.glossary.store_schema import load_default_entries

PROTOCOL_METHODS = [name for name, value in vars(GlossaryStoreProtocol).items()
                    if callable(value) and not name.startswith("_")]


def test_the_protocol_names_what_the_service_uses():
    assert set(PROTOCOL_METHODS) >= {"list_glossaries", "get", "resolve", "export", "create", "add_entries",
                                     "delete_entries", "delete", "import_file", "reset_default"}


@pytest.mark.parametrize("method", PROTOCOL_METHODS)
def test_sqlite_store_has_the_protocols_signatures(method):
    assert inspect.signature(getattr(GlossaryStore, method)) == inspect.signature(
        getattr(GlossaryStoreProtocol, method))


class DictStore(GlossaryStoreBase):
    """The least a backend writes: get and create (here on a dict)."""

    def __init__(self) -> None:
        self.glossaries: dict[str, Glossary] = {}

    def get(self, name_or_id: str) -> Glossary:
        try:
            return self.glossaries[name_or_id.casefold()]
        except KeyError:
            raise GlossaryNotFoundError(f"no glossary named {name_or_id!r}") from None

    def create(self, name: str, entries: Sequence[GlossaryEntry], *, description: str = "",
               source_lang: str = "en", replace: bool = False) -> Glossary:
        old = self.glossaries.get(name.casefold())
        if old is not None and not replace:
            raise ConflictError(f"glossary {name!r} already exists")
        glossary = Glossary(name=name, entries=tuple(entries), id=name.casefold(), description=description,
                            source_lang=source_lang, version=old.version + 1 if old else 1)
        self.glossaries[name.casefold()] = glossary
        return glossary


@pytest.fixture
def dict_store() -> DictStore:
    store = DictStore()
    store.reset_default()
    return store


def test_shared_half_resets_the_default_and_resolves_layers(dict_store):
    assert list(dict_store.get("default").entries) == load_default_entries()
    dict_store.import_file(b"Tokyo\t\xe3\x83\x88\xe3\x83\xbc\xe3\x82\xad\xe3\x83\xa7\xe3\x83\xbc\n", name="desk",
                           fmt="tsv", target_lang="ja")
    active = dict_store.resolve(["desk"], [GlossaryEntry("Osaka", {"ja": "大阪"})])
    assert [g.name for g in active.layers] == ["inline", "desk", "default", "cldr"]
    assert dict_store.export("desk", "csv", target_lang="ja") == "Tokyo,トーキョー\r\n".encode()


def test_shared_half_refuses_bad_requests(dict_store):
    with pytest.raises(TypeError):
        dict_store.resolve("desk")
    with pytest.raises(BadInputError, match="no 'fr'"):
        dict_store.export("default", "tsv", target_lang="fr")
    with pytest.raises(BadInputError, match="format"):
        dict_store.import_file(b"a\tb\n", name="x")


def test_inline_glossary_version_follows_its_content():
    one = inline_glossary([GlossaryEntry("Tokyo", {"ja": "東京"})])
    assert one == inline_glossary([GlossaryEntry("Tokyo", {"ja": "東京"})])
    assert one.version != inline_glossary([GlossaryEntry("Tokyo", {"ja": "トーキョー"})]).version
    with pytest.raises(BadInputError, match="duplicate source"):
        inline_glossary([GlossaryEntry("Tokyo", {"ja": "東京"}), GlossaryEntry("TOKYO", {"ja": "東京"})])
