"""DeepL glossaries: v2 (one language pair each) and v3 (multilingual), over the glossary store.

Every route sees the store as the request's tenant does (:mod:`service.api.tenancy`): its own
glossaries and the shared ones; another tenant's glossary is "not found", as on /v1/glossaries.
"""
from __future__ import annotations

from flask import Response, request
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from service.api.compat.errors import PeerError, install_peer_errors
from service.api.compat.glossary_bridge import (
    create_named,
    deepl_name,
    dictionary_info,
    dictionary_langs,
    entries_tsv,
    merge,
    parse_entries,
    targets_of,
    v2_info,
    v3_info,
)
from service.api.compat.schemas import (
    DeepLGlossaryCreateSchema,
    DeepLGlossaryInfoSchema,
    DeepLGlossaryListSchema,
    DictionaryEntriesSchema,
    DictionaryInfoSchema,
    DictionaryQuerySchema,
    MultilingualCreateSchema,
    MultilingualEntriesSchema,
    MultilingualInfoSchema,
    MultilingualListSchema,
    MultilingualPatchSchema,
    body_doc,
    load_body,
)
from service.api.compat.served import served_pairs
from service.api.context import get_resources
from service.api.tenancy import TenantGlossaries, tenant_glossaries
from service.glossary.model import Glossary, GlossaryEntry

v2 = Blueprint("deepl_glossaries", __name__, url_prefix="/v2/glossaries",
               description="DeepL-compatible glossaries (v2): each is a named glossary in this service's store")
v3 = Blueprint("deepl_glossaries_v3", __name__, url_prefix="/v3/glossaries",
               description="DeepL-compatible multilingual glossaries (v3) over the same store")
install_peer_errors(v2, deepl=True)
install_peer_errors(v3, deepl=True)
BLUEPRINTS = (v2, v3)
TSV = "text/tab-separated-values"


def _store() -> TenantGlossaries:
    return tenant_glossaries()


def _served() -> dict[str, list[str]]:
    """The pairs a dictionary may be written for: those this deployment translates."""
    return served_pairs(get_resources())


def _glossary(store: TenantGlossaries, glossary_id: str) -> Glossary:
    """The glossary of this id (or name) as the caller sees it; 404 otherwise, a blank id included."""
    if not glossary_id.strip():
        raise PeerError(404, "Glossary not found.")
    return store.get(glossary_id)


def _writable(store: TenantGlossaries, glossary_id: str) -> Glossary:
    """The glossary a change names, checked before its body is read: 404 when the caller cannot see
    it, 403 when it may not change it (a reader; the shared ``default`` for a non-admin)."""
    glossary = _glossary(store, glossary_id)
    store.require_change(glossary)
    return glossary


# -- v2 --------------------------------------------------------------------------------------------

@v2.route("", methods=["POST"])
@v2.doc(**body_doc(DeepLGlossaryCreateSchema))
@v2.response(201, DeepLGlossaryInfoSchema)
def create_glossary() -> ResponseReturnValue:
    """Create a glossary for one language pair from TSV or CSV entries."""
    body = load_body(DeepLGlossaryCreateSchema())
    source, target = dictionary_langs(_store(), body["source_lang"], body["target_lang"], served=_served())
    new = parse_entries(body["entries"], body["entries_format"])
    entries = [GlossaryEntry(source=s, renderings={target: t}) for s, t in new.items()]
    return v2_info(create_named(_store(), body["name"], entries, source), target)


@v2.route("", methods=["GET"])
@v2.response(200, DeepLGlossaryListSchema)
def list_glossaries() -> ResponseReturnValue:
    """Every glossary in the store (a multilingual one shows its first target language)."""
    store = _store()
    return {"glossaries": [v2_info(store.get(info.id)) for info in store.list_glossaries()]}


@v2.route("/<glossary_id>", methods=["GET"])
@v2.response(200, DeepLGlossaryInfoSchema)
def get_glossary(glossary_id: str) -> ResponseReturnValue:
    """One glossary by id (or name)."""
    return v2_info(_glossary(_store(), glossary_id))


@v2.route("/<glossary_id>", methods=["DELETE"])
@v2.response(204)
def delete_glossary(glossary_id: str) -> None:
    """Delete a glossary (the default glossary cannot be deleted)."""
    store = _store()
    store.delete(_glossary(store, glossary_id).id)


@v2.route("/<glossary_id>/entries", methods=["GET"])
@v2.doc(responses={"200": {"description": "entries as TSV", "content": {TSV: {"schema": {"type": "string"}}}}})
def glossary_entries(glossary_id: str) -> ResponseReturnValue:
    """The entries as TSV (source, tab, target), one per line."""
    glossary = _glossary(_store(), glossary_id)
    targets = targets_of(glossary)
    accept = request.accept_mimetypes
    if accept and not accept.best_match([TSV]) and "*/*" not in str(accept):
        raise PeerError(400, f"Unsupported Accept header; use {TSV}.")
    data = entries_tsv(glossary, targets[0]) if targets else ""
    return Response(data, mimetype=TSV)


# -- v3 --------------------------------------------------------------------------------------------

@v3.route("", methods=["POST"])
@v3.doc(**body_doc(MultilingualCreateSchema))
@v3.response(201, MultilingualInfoSchema)
def create_multilingual() -> ResponseReturnValue:
    """Create a glossary from one or more dictionaries (one source language for all)."""
    body = load_body(MultilingualCreateSchema())
    if not body["dictionaries"]:
        raise PeerError(400, "A glossary needs at least one dictionary.")
    store = _store()
    entries: list[GlossaryEntry] = []
    sources = set()
    for dictionary in body["dictionaries"]:
        source, target = dictionary_langs(store, dictionary["source_lang"], dictionary["target_lang"],
                                          served=_served())
        sources.add(source)
        entries = merge(tuple(entries), target, parse_entries(dictionary["entries"], dictionary["entries_format"]))
    if len(sources) > 1:
        raise PeerError(400, "All dictionaries of a glossary must share one source language here.")
    return v3_info(create_named(store, body["name"], entries, sources.pop()))


@v3.route("", methods=["GET"])
@v3.response(200, MultilingualListSchema)
def list_multilingual() -> ResponseReturnValue:
    """Every glossary with its dictionaries."""
    store = _store()
    return {"glossaries": [v3_info(store.get(info.id)) for info in store.list_glossaries()]}


@v3.route("/<glossary_id>", methods=["GET"])
@v3.response(200, MultilingualInfoSchema)
def get_multilingual(glossary_id: str) -> ResponseReturnValue:
    """One glossary with its dictionaries."""
    return v3_info(_glossary(_store(), glossary_id))


@v3.route("/<glossary_id>", methods=["PATCH"])
@v3.doc(**body_doc(MultilingualPatchSchema))
@v3.response(200, MultilingualInfoSchema)
def update_multilingual(glossary_id: str) -> ResponseReturnValue:
    """Rename a glossary (its display name: the store name, a key, stays) or add and update dictionary
    entries; without either, answers the glossary unchanged."""
    store = _store()
    glossary = _writable(store, glossary_id)
    body = load_body(MultilingualPatchSchema())
    rename = body.get("name") if body.get("name") not in (None, deepl_name(glossary)) else None
    if rename is None and not body.get("dictionaries"):
        return v3_info(glossary)
    entries = list(glossary.entries)
    for dictionary in body.get("dictionaries") or ():
        _, target = dictionary_langs(store, dictionary["source_lang"], dictionary["target_lang"], glossary,
                                     served=_served())
        entries = merge(tuple(entries), target, parse_entries(dictionary["entries"], dictionary["entries_format"]))
    updated = store.create(glossary.id, entries, description=glossary.description,
                           source_lang=glossary.source_lang, replace=True, display_name=rename)
    return v3_info(updated)


@v3.route("/<glossary_id>", methods=["DELETE"])
@v3.response(204)
def delete_multilingual(glossary_id: str) -> None:
    """Delete a glossary with all its dictionaries."""
    store = _store()
    store.delete(_glossary(store, glossary_id).id)


@v3.route("/<glossary_id>/dictionaries", methods=["PUT"])
@v3.doc(**body_doc(DictionaryEntriesSchema))
@v3.response(200, DictionaryInfoSchema)
def replace_dictionary(glossary_id: str) -> ResponseReturnValue:
    """Replace one dictionary's entries (created when missing)."""
    store = _store()
    glossary = _writable(store, glossary_id)
    body = load_body(DictionaryEntriesSchema())
    _, target = dictionary_langs(store, body["source_lang"], body["target_lang"], glossary, served=_served())
    entries = merge(glossary.entries, target, parse_entries(body["entries"], body["entries_format"]),
                    replace_target=True)
    updated = store.create(glossary.id, entries, description=glossary.description,
                           source_lang=glossary.source_lang, replace=True)
    return dictionary_info(updated, target)


@v3.route("/<glossary_id>/dictionaries", methods=["DELETE"])
@v3.doc(parameters=[{"in": "query", "name": name, "required": True, "schema": {"type": "string"}}
                    for name in ("source_lang", "target_lang")])
@v3.response(204)
def delete_dictionary(glossary_id: str) -> None:
    """Remove one dictionary (the target language's renderings)."""
    store = _store()
    glossary = _writable(store, glossary_id)
    query = DictionaryQuerySchema().load(request.args)
    source_lang, target_lang = query["source_lang"], query["target_lang"]
    _, target = dictionary_langs(store, source_lang, target_lang, glossary)
    if target not in targets_of(glossary):
        raise PeerError(404, f"This glossary has no {source_lang.upper()}-{target_lang.upper()} dictionary.")
    entries = merge(glossary.entries, target, {}, replace_target=True)
    store.create(glossary.id, entries, description=glossary.description,
                 source_lang=glossary.source_lang, replace=True)


@v3.route("/<glossary_id>/entries", methods=["GET"])
@v3.arguments(DictionaryQuerySchema, location="query", as_kwargs=True)
@v3.response(200, MultilingualEntriesSchema)
def multilingual_entries(glossary_id: str, source_lang: str, target_lang: str) -> ResponseReturnValue:
    """One dictionary's entries, as TSV inside JSON."""
    store = _store()
    glossary = _glossary(store, glossary_id)
    _, target = dictionary_langs(store, source_lang, target_lang, glossary)
    if target not in targets_of(glossary):
        raise PeerError(404, f"This glossary has no {source_lang.upper()}-{target_lang.upper()} dictionary.")
    return {"dictionaries": [{"source_lang": glossary.source_lang, "target_lang": target,
                              "entries": entries_tsv(glossary, target), "entries_format": "tsv"}]}
