"""Stored briefs on both backends: save, edit (the edit and its memory unit commit together), owners,
listing, delete, concurrent edits."""
from __future__ import annotations

import threading

import pytest

from service.brief import AlignedSegment, Brief, BriefMeta, DroppedLine
from service.errors import BadInputError, ForbiddenError, NotFoundError
from service.memory.briefs import BriefNotFoundError
from service.memory.store import MemoryStore
from service.storage.tenancy import OPERATOR, SINGLE_USER, Tenant

SOURCE = "Ferries resumed at Port Alder on Tuesday."


def make_brief(segments: int = 1) -> Brief:
    return Brief(segments=[AlignedSegment(f"s{n}", 0, f"{SOURCE} ({n})", {"ja": f"モデル訳{n}"}, {"ja": "model"})
                           for n in range(1, segments + 1)],
                 entities=[], meta=BriefMeta(target_langs=["ja"]))


@pytest.fixture
def store(store_url):
    s = MemoryStore(store_url)
    yield s
    s.close()


def test_save_get_edit_keeps_history_and_teaches_the_memory(store):
    bid = store.briefs.save(make_brief())
    stored = store.briefs.edit(bid, "s1", "ja", "フェリー再開。")
    assert (stored.version, stored.owner) == (2, None)
    assert stored.brief.segments[0].translations["ja"] == "フェリー再開。"
    assert stored.brief.segments[0].provenance["ja"] == "edited"
    assert [(e.previous, e.previous_provenance, e.text) for e in stored.history] == [
        ("モデル訳1", "model", "フェリー再開。")]
    assert store.exact("en", "ja", [f"{SOURCE} (1)"])[f"{SOURCE} (1)"].target == "フェリー再開。"
    assert store.briefs.get(bid) == stored


def test_the_title_is_edited_like_a_segment_and_survives_storage(store):
    brief = make_brief()
    brief.title = AlignedSegment("title", 0, "Ferries Resume At Port Alder", {"ja": "モデル題"}, {"ja": "model"})
    brief.meta.dropped = [DroppedLine("###", "end-mark", 80, 83)]
    bid = store.briefs.save(brief)
    assert store.briefs.get(bid).brief == brief
    stored = store.briefs.edit(bid, "title", "ja", "フェリー運航再開")
    title = stored.brief.title
    assert title is not None
    assert (title.translations["ja"], title.provenance["ja"]) == ("フェリー運航再開", "edited")
    # The summary is untouched by the title's edit (its quality verdicts come along: service/quality/review.py).
    assert [(s.id, s.en, s.translations, s.provenance) for s in stored.brief.segments] == [
        (s.id, s.en, s.translations, s.provenance) for s in brief.segments]
    assert store.exact("en", "ja", ["Ferries Resume At Port Alder"])["Ferries Resume At Port Alder"].target == (
        "フェリー運航再開")


def test_a_brief_stored_before_titles_reads_back_without_one(store):
    data = make_brief().to_dict()
    del data["title"], data["meta"]["dropped"]
    from service.memory.briefs import brief_from_dict

    brief = brief_from_dict(data)
    assert (brief.title, brief.meta.dropped) == (None, [])


def test_a_failing_memory_write_rolls_back_the_edit(store, monkeypatch):
    bid = store.briefs.save(make_brief())
    before = store.briefs.get(bid)

    def broken(conn, name, units, *, tenant=OPERATOR):
        MemoryStore.add_units_in(store, conn, name, units, tenant=tenant)  # writes, then fails
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "add_units_in", broken)
    with pytest.raises(RuntimeError):
        store.briefs.edit(bid, "s1", "ja", "フェリー再開。")
    assert store.briefs.get(bid) == before
    assert store.list_memories() == []


@pytest.mark.parametrize(("segment", "lang", "text", "error"), [
    ("s1", "ja", "   ", BadInputError),
    ("s1", "ja", "x" * 5001, BadInputError),
    ("s1", "ko", "번역", BadInputError),
    ("s9", "ja", "訳", NotFoundError),
])
def test_a_bad_edit_is_refused_and_changes_nothing(store, segment, lang, text, error):
    bid = store.briefs.save(make_brief())
    before = store.briefs.get(bid)
    with pytest.raises(error):
        store.briefs.edit(bid, segment, lang, text)
    assert store.briefs.get(bid) == before


def test_unknown_brief_is_not_found(store):
    with pytest.raises(BriefNotFoundError):
        store.briefs.get("0" * 32)
    with pytest.raises(BriefNotFoundError):
        store.briefs.delete("0" * 32)


MINE, THEIRS = Tenant("team:desk"), Tenant("key:bk_bbbb2222")
READER = Tenant("team:desk", role="reader")


def test_owner_is_the_saving_tenants_scope_and_an_edit_teaches_the_editors_own_memory(store):
    store.add_units("alder-desk", [], tenant=OPERATOR)  # a shared memory of that name is not written to
    bid = store.briefs.save(make_brief(), tenant=MINE)
    assert store.briefs.get(bid, tenant=MINE).owner == "team:desk"
    store.briefs.edit(bid, "s1", "ja", "フェリー再開。", memory="alder-desk", tenant=MINE)
    assert store.get("alder-desk", tenant=MINE).owner == "team:desk"
    assert store.get("alder-desk", tenant=MINE).unit_count == 1
    assert store.get("alder-desk", tenant=SINGLE_USER).unit_count == 0


@pytest.mark.parametrize(("tenant", "expected"), [
    (OPERATOR, {"mine", "theirs", "shared"}),
    (MINE, {"mine", "shared"}),
    (READER, {"mine", "shared"}),
    (SINGLE_USER, {"shared"}),
])
def test_listing_shows_what_the_tenant_may_read(store, tenant, expected):
    ids = {"mine": store.briefs.save(make_brief(), tenant=MINE),
           "theirs": store.briefs.save(make_brief(), tenant=THEIRS),
           "shared": store.briefs.save(make_brief())}
    listed = store.briefs.list_briefs(tenant=tenant)
    assert {info.id for info in listed} == {ids[name] for name in expected}
    assert all(info.version == 1 for info in listed)


@pytest.mark.parametrize("action", ["get", "edit", "delete"])
def test_another_tenants_brief_is_not_found_and_unchanged(store, action):
    bid = store.briefs.save(make_brief(), tenant=MINE)
    before = store.briefs.get(bid)
    calls = {"get": lambda: store.briefs.get(bid, tenant=THEIRS),
             "edit": lambda: store.briefs.edit(bid, "s1", "ja", "訳", tenant=THEIRS),
             "delete": lambda: store.briefs.delete(bid, tenant=THEIRS)}
    with pytest.raises(BriefNotFoundError):
        calls[action]()
    assert store.briefs.get(bid) == before
    assert store.list_memories() == []


@pytest.mark.parametrize(("tenant", "owner"), [(READER, "team:desk"), (READER, None), (MINE, None)])
@pytest.mark.parametrize("action", ["edit", "delete"])
def test_a_visible_brief_the_tenant_may_not_change_is_forbidden(store, tenant, owner, action):
    bid = store.briefs.save(make_brief(), tenant=Tenant(owner) if owner else OPERATOR)
    before = store.briefs.get(bid)
    change = {"edit": lambda: store.briefs.edit(bid, "s1", "ja", "訳", tenant=tenant),
              "delete": lambda: store.briefs.delete(bid, tenant=tenant)}[action]
    with pytest.raises(ForbiddenError):
        change()
    assert store.briefs.get(bid, tenant=tenant) == before


def test_a_reader_stores_no_brief(store):
    with pytest.raises(ForbiddenError):
        store.briefs.save(make_brief(), tenant=READER)
    assert store.briefs.list_briefs() == []


def test_delete_removes_the_brief_and_its_history_but_not_what_it_taught(store):
    bid = store.briefs.save(make_brief())
    store.briefs.edit(bid, "s1", "ja", "フェリー再開。")
    store.briefs.delete(bid)
    with pytest.raises(BriefNotFoundError):
        store.briefs.get(bid)
    assert store.get("edits").unit_count == 1


def test_concurrent_edits_of_one_brief_lose_none(store):
    segments = 12
    bid = store.briefs.save(make_brief(segments))

    def edit(n: int) -> None:
        store.briefs.edit(bid, f"s{n}", "ja", f"訳{n}")

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(1, segments + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = store.briefs.get(bid)
    assert stored.version == segments + 1
    assert len(stored.history) == segments
    assert all(s.translations["ja"] == f"訳{s.id[1:]}" and s.provenance["ja"] == "edited"
               for s in stored.brief.segments)
    assert store.get("edits").unit_count == segments


def test_an_edit_drops_the_replaced_texts_warnings_and_keeps_the_others(store):
    from service.brief import BriefWarning

    brief = make_brief(2)
    brief.meta.warnings = [BriefWarning("glossary-repair-dropped", "dropped", "s1", "ja"),
                           BriefWarning("alignment-multiple", "two sentences", "s2", "ja")]
    bid = store.briefs.save(brief)
    edited = store.briefs.edit(bid, "s1", "ja", "フェリー再開。")
    assert [(w.code, w.segment) for w in edited.brief.meta.warnings] == [("alignment-multiple", "s2")]


def test_confirm_reopen_and_the_listing_counts(store):
    bid = store.briefs.save(make_brief(2))
    [info] = store.briefs.list_briefs()
    assert (info.listing.title, info.listing.target_langs) == (f"{SOURCE} (1)", ("ja",))
    assert (info.listing.segments, info.listing.segments_confirmed, info.listing.translations_confirmed) == (2, 0, 0)
    confirmed = store.briefs.review(bid, "s2", "ja", confirmed=True, memory="desk-review")
    assert (confirmed.version, confirmed.brief.segments[1].status) == (2, {"ja": "confirmed"})
    assert confirmed.history == [], "a confirmation is no edit"
    assert store.exact("en", "ja", [f"{SOURCE} (2)"])[f"{SOURCE} (2)"].target == "モデル訳2"
    assert store.get("desk-review").unit_count == 1
    [info] = store.briefs.list_briefs()
    assert (info.listing.segments_confirmed, info.listing.translations_confirmed, info.version) == (1, 1, 2)
    reopened = store.briefs.review(bid, "s2", "ja", confirmed=False)
    assert reopened.brief.segments[1].status == {"ja": "draft"}
    assert store.briefs.list_briefs()[0].listing.translations_confirmed == 0


def test_a_change_needs_text_or_confirmed(store):
    bid = store.briefs.save(make_brief())
    with pytest.raises(BadInputError):
        store.briefs.review(bid, "s1", "ja")
    assert store.briefs.get(bid).version == 1


def test_the_list_pages_newest_first(store):
    ids = [store.briefs.save(make_brief()) for _ in range(3)]
    assert [i.id for i in store.briefs.list_briefs(limit=2)] == ids[::-1][:2]
    assert [i.id for i in store.briefs.list_briefs(limit=2, offset=2)] == [ids[0]]
    assert store.briefs.count() == 3
