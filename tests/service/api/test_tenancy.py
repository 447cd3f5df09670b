"""Tenancy over HTTP: a key sees its own (its team's) glossaries and the shared ones, never another
tenant's (404, as if absent); readers only read; only admins change shared data such as ``default``."""
from __future__ import annotations

import io

import pytest

from service.storage.keys import KeyStore
from tests.service.api.helpers import assert_problem

ENTRY = {"source": "Harbor Bridge", "renderings": {"ja": "ハーバー橋"}}
OTHER_ENTRY = {"source": "Pier Nine", "renderings": {"ja": "九番桟橋"}}
SEGMENT = "The Harbor Bridge reopened on Monday."


class Desk:
    """An app with keys on, and one key per tenant and role."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        store = KeyStore(app.extensions["briefs"].settings.store_path)
        self.headers: dict[str, dict[str, str]] = {}
        self.ids: dict[str, str] = {}
        for who, team, role in [("news", "news", "editor"), ("news2", "news", "editor"),
                                ("news_reader", "news", "reader"), ("sports", "sports", "editor"),
                                ("solo", None, "editor"), ("solo2", None, "editor"), ("ops", "ops", "admin"),
                                ("listed", None, "reader")]:
            key, secret = store.create(who, team=team, role=role)
            self.headers[who], self.ids[who] = {"Authorization": f"Bearer {secret}"}, key.id
        settings = app.extensions["briefs"].settings
        http = settings.http.__class__(**{**settings.http.__dict__, "admin_keys": (self.ids["listed"],)})
        app.extensions["briefs"].settings = settings.replace(http=http)

    def call(self, who: str, method: str, path: str, **kwargs):
        return self.client.open(path, method=method, headers=self.headers[who], **kwargs)

    def make(self, who: str, name: str, entries=(ENTRY,)) -> dict:
        response = self.call(who, "POST", "/v1/glossaries", json={"name": name, "entries": list(entries)})
        assert response.status_code == 201, response.data
        return response.get_json()


@pytest.fixture
def desk(make_app):
    return Desk(make_app(http={"api_keys_required": True}))


@pytest.fixture
def news_glossary(desk):
    return desk.make("news", "bridges")


def unchanged(desk, glossary) -> bool:
    now = desk.call("news", "GET", f"/v1/glossaries/{glossary['id']}").get_json()
    return (now["version"], now["entries"]) == (glossary["version"], glossary["entries"])


# -- another tenant's glossary is invisible ---------------------------------------------------------

READS = {
    "get": ("GET", "/v1/glossaries/{ref}", {}),
    "get-tsv": ("GET", "/v1/glossaries/{ref}", {"headers_extra": {"Accept": "text/tab-separated-values"}}),
    "entries": ("GET", "/v1/glossaries/{ref}/entries", {}),
}
WRITES = {
    "add-entries": ("POST", "/v1/glossaries/{ref}/entries", {"json": {"entries": [OTHER_ENTRY]}}),
    "delete-entries": ("DELETE", "/v1/glossaries/{ref}/entries", {"json": {"sources": ["Harbor Bridge"]}}),
    "delete": ("DELETE", "/v1/glossaries/{ref}", {}),
}


def _open(desk, who, method, path, options):
    options = dict(options)
    extra = options.pop("headers_extra", {})
    return desk.client.open(path, method=method, headers={**desk.headers[who], **extra}, **options)


@pytest.mark.parametrize("ref", ["name", "id"])
@pytest.mark.parametrize("who", ["sports", "solo"])
@pytest.mark.parametrize("action", sorted(READS) + sorted(WRITES))
def test_another_tenants_glossary_answers_as_a_missing_one(desk, news_glossary, action, who, ref):
    method, path, options = {**READS, **WRITES}[action]
    target = news_glossary[ref]
    nothing = "no-such-glossary" if ref == "name" else "0" * 32
    response = _open(desk, who, method, path.format(ref=target), options)
    missing = _open(desk, who, method, path.format(ref=nothing), options)
    body = assert_problem(response, 404, "glossary-not-found")
    absent = assert_problem(missing, 404, "glossary-not-found")
    assert body["detail"].replace(target, "X") == absent["detail"].replace(nothing, "X")
    assert "Harbor" not in response.get_data(as_text=True)
    assert unchanged(desk, news_glossary)


def test_replacing_another_tenants_glossary_by_id_is_404_and_changes_nothing(desk, news_glossary):
    for method, path, body in [("PUT", f"/v1/glossaries/{news_glossary['id']}", {"entries": []}),
                               ("POST", "/v1/glossaries", {"name": news_glossary["id"], "entries": [],
                                                           "replace": True})]:
        assert_problem(desk.call("sports", method, path, json=body), 404, "glossary-not-found")
    upload = desk.call("sports", "PUT", f"/v1/glossaries/{news_glossary['id']}", data="Quay\t埠頭\n",
                       content_type="text/tab-separated-values", query_string={"target_lang": "ja"})
    assert_problem(upload, 404, "glossary-not-found")
    assert unchanged(desk, news_glossary)


@pytest.mark.parametrize("how", ["put-json", "post-replace", "post-upload"])
def test_writing_another_tenants_name_makes_ones_own_glossary_and_leaves_theirs_alone(desk, news_glossary, how):
    if how == "put-json":
        response = desk.call("sports", "PUT", "/v1/glossaries/bridges", json={"entries": [OTHER_ENTRY]})
    elif how == "post-replace":
        response = desk.call("sports", "POST", "/v1/glossaries",
                             json={"name": "bridges", "entries": [OTHER_ENTRY], "replace": True})
    else:
        response = desk.call("sports", "POST", "/v1/glossaries", data="Pier Nine\t九番桟橋\n",
                             content_type="text/tab-separated-values",
                             query_string={"name": "bridges", "target_lang": "ja"})
    assert response.status_code in (200, 201), response.data
    theirs = response.get_json()
    assert theirs["id"] != news_glossary["id"]
    assert theirs["owner"] == "team:sports"
    assert [e["source"] for e in theirs["entries"]] == ["Pier Nine"]
    assert unchanged(desk, news_glossary)
    sports_view = desk.call("sports", "GET", "/v1/glossaries/bridges").get_json()
    assert sports_view["id"] == theirs["id"]


def test_listing_shows_own_and_shared_glossaries_only(desk, news_glossary):
    desk.make("sports", "scores")
    desk.make("solo", "notes")
    listed = {who: {(g["name"], g["owner"]) for g in desk.call(who, "GET", "/v1/glossaries").get_json()["glossaries"]}
              for who in ("news", "news_reader", "sports", "solo", "solo2")}
    assert listed["news"] == listed["news_reader"] == {("default", None), ("bridges", "team:news")}
    assert listed["sports"] == {("default", None), ("scores", "team:sports")}
    assert listed["solo"] == {("default", None), ("notes", f"key:{desk.ids['solo']}")}
    assert listed["solo2"] == {("default", None)}


def test_two_teams_may_each_have_a_glossary_of_one_name(desk, news_glossary):
    desk.make("sports", "bridges", entries=[OTHER_ENTRY])
    for who, source in [("news", "Harbor Bridge"), ("sports", "Pier Nine")]:
        entries = desk.call(who, "GET", "/v1/glossaries/bridges/entries").get_json()["entries"]
        assert [e["source"] for e in entries] == [source]


def test_glossary_versions_say_nothing_about_another_tenants_glossaries(desk, news_glossary):
    """A version counts one tenant's changes to its own glossary of a name: that another tenant uses the
    name, and how often it changed it, shows nowhere (not in the version, not in the list)."""
    fresh = desk.make("sports", "piers")  # a name no one used: where a new glossary's versions start
    for _ in range(3):
        edit = desk.call("news", "POST", "/v1/glossaries/bridges/entries", json={"entries": [OTHER_ENTRY]})
        assert edit.status_code == 200
    assert desk.call("news", "DELETE", "/v1/glossaries/bridges").status_code == 204
    desk.make("news", "bridges")  # and again, so the name has a long history at news
    theirs = desk.make("sports", "bridges", entries=[OTHER_ENTRY])
    assert theirs["version"] == fresh["version"]
    edited = desk.call("sports", "POST", "/v1/glossaries/bridges/entries", json={"entries": [ENTRY]}).get_json()
    assert edited["version"] == fresh["version"] + 1
    listed = {g["name"]: g["version"] for g in desk.call("sports", "GET", "/v1/glossaries").get_json()["glossaries"]}
    assert listed["bridges"] == listed["piers"] + 1


def test_a_tenants_versions_of_one_name_never_repeat_across_delete_and_recreate(desk, news_glossary):
    """If-Match and caches rely on a version naming one content: a re-made glossary goes on counting."""
    assert desk.call("news", "DELETE", "/v1/glossaries/bridges").status_code == 204
    again = desk.make("news", "bridges", entries=[OTHER_ENTRY])
    assert again["version"] > news_glossary["version"]


def test_keys_of_one_team_share_their_glossaries(desk, news_glossary):
    response = desk.call("news2", "POST", "/v1/glossaries/bridges/entries", json={"entries": [OTHER_ENTRY]})
    assert response.status_code == 200
    assert desk.call("news", "GET", "/v1/glossaries/bridges").get_json()["entry_count"] == 2


def test_a_key_without_a_team_owns_its_glossaries_alone(desk):
    desk.make("solo", "notes")
    assert_problem(desk.call("solo2", "GET", "/v1/glossaries/notes"), 404)
    assert desk.call("solo", "GET", "/v1/glossaries/notes").status_code == 200


# -- using glossaries in requests ----------------------------------------------------------------

def _translate(desk, who, glossaries):
    return desk.call(who, "POST", "/v1/translate", json={"segments": [SEGMENT], "target_langs": ["ja"],
                                                         "glossaries": glossaries})


@pytest.mark.parametrize("ref", ["name", "id"])
def test_a_request_naming_another_tenants_glossary_is_404_before_any_work(desk, news_glossary, translator, ref):
    calls = len(translator.calls)
    assert_problem(_translate(desk, "sports", [news_glossary[ref]]), 404, "glossary-not-found")
    brief = desk.call("sports", "POST", "/v1/briefs", json={"text": SEGMENT + " It was busy.", "sentences": 1,
                                                            "glossaries": [news_glossary[ref]]})
    assert_problem(brief, 404, "glossary-not-found")
    assert len(translator.calls) == calls  # no model ran
    usage = KeyStore(desk.app.extensions["briefs"].settings.store_path).usage(desk.ids["sports"])
    assert usage.characters == 0  # and nothing was charged


@pytest.mark.parametrize("who", ["news", "news2", "news_reader"])
def test_every_key_of_the_team_uses_its_glossary_in_requests(desk, news_glossary, who):
    body = _translate(desk, who, ["bridges"]).get_json()
    assert "ハーバー橋" in body["segments"][0]["translations"]["ja"]
    bridge = next(e for e in body["entities"] if e["source"] == "Harbor Bridge")
    assert (bridge["resolution"], bridge["glossary"]) == ("glossary", "bridges")


def test_a_request_uses_its_own_teams_glossary_of_a_shared_name(desk, news_glossary):
    desk.make("sports", "bridges", entries=[{"source": "Harbor Bridge", "renderings": {"ja": "港大橋"}}])
    assert "港大橋" in _translate(desk, "sports", ["bridges"]).get_json()["segments"][0]["translations"]["ja"]
    assert "ハーバー橋" in _translate(desk, "news", ["bridges"]).get_json()["segments"][0]["translations"]["ja"]


# -- roles -----------------------------------------------------------------------------------------

READER_WRITES = {
    "create": ("POST", "/v1/glossaries", {"json": {"name": "mine", "entries": [ENTRY]}}),
    "create-upload": ("POST", "/v1/glossaries", {"data": "Quay\t埠頭\n", "content_type": "text/tab-separated-values",
                                                 "query_string": {"name": "mine", "target_lang": "ja"}}),
    "replace": ("PUT", "/v1/glossaries/bridges", {"json": {"entries": []}}),
    "add-entries": ("POST", "/v1/glossaries/bridges/entries", {"json": {"entries": [OTHER_ENTRY]}}),
    "delete-entries": ("DELETE", "/v1/glossaries/bridges/entries", {"json": {"sources": ["Harbor Bridge"]}}),
    "delete": ("DELETE", "/v1/glossaries/bridges", {}),
}


@pytest.mark.parametrize("action", sorted(READER_WRITES))
def test_a_reader_reads_but_never_writes(desk, news_glossary, action):
    method, path, options = READER_WRITES[action]
    body = assert_problem(_open(desk, "news_reader", method, path, options), 403, "forbidden")
    assert "read" in body["detail"]
    assert unchanged(desk, news_glossary)
    assert desk.call("news_reader", "GET", "/v1/glossaries/bridges").status_code == 200
    assert_problem(desk.call("news_reader", "GET", "/v1/glossaries/mine"), 404)


# Every way to change the default glossary, by name and by a different case.
DEFAULT_CHANGES = {
    "replace-empty": ("PUT", "/v1/glossaries/default", {"entries": []}),
    "replace-case": ("PUT", "/v1/glossaries/DEFAULT", {"entries": [ENTRY]}),
    "create-replace": ("POST", "/v1/glossaries", {"name": "default", "entries": [], "replace": True}),
    "add-entries": ("POST", "/v1/glossaries/default/entries", {"entries": [ENTRY]}),
    "delete-entries": ("DELETE", "/v1/glossaries/default/entries", {"sources": ["Tokyo"]}),
}


def entry_count(desk, who="news") -> int:
    return desk.call(who, "GET", "/v1/glossaries/default").get_json()["entry_count"]


@pytest.mark.parametrize("who", ["news", "sports", "solo", "news_reader"])
@pytest.mark.parametrize("name", sorted(DEFAULT_CHANGES))
def test_a_key_that_is_not_admin_cannot_change_the_default_glossary(desk, name, who):
    before = entry_count(desk)
    method, path, body = DEFAULT_CHANGES[name]
    assert_problem(desk.call(who, method, path, json=body), 403, "forbidden")
    assert entry_count(desk) == before


def test_the_default_glossary_is_protected_by_id_too(desk):
    glossary_id = desk.call("news", "GET", "/v1/glossaries/default").get_json()["id"]
    assert_problem(desk.call("news", "PUT", f"/v1/glossaries/{glossary_id}", json={"entries": []}), 403)


def test_a_team_cannot_shadow_a_shared_glossary_with_its_own(desk):
    response = desk.call("news", "POST", "/v1/glossaries", json={"name": "Default", "entries": [ENTRY]})
    assert_problem(response, 409, "conflict")


@pytest.mark.parametrize("admin", ["ops", "listed"])
def test_an_admin_changes_the_default_glossary_for_everyone(desk, admin):
    response = desk.call(admin, "POST", "/v1/glossaries/default/entries", json={"entries": [ENTRY]})
    assert response.status_code == 200, response.data
    for who in ("news", "sports", "solo"):
        sources = [e["source"] for e in desk.call(who, "GET", "/v1/glossaries/default").get_json()["entries"]]
        assert "Harbor Bridge" in sources


def test_an_admin_does_not_see_other_tenants_glossaries(desk, news_glossary):
    assert_problem(desk.call("ops", "GET", f"/v1/glossaries/{news_glossary['id']}"), 404)
    assert_problem(desk.call("ops", "DELETE", f"/v1/glossaries/{news_glossary['id']}"), 404)


@pytest.mark.parametrize("who", ["ops", "listed", "news"])
def test_nobody_deletes_the_default_glossary(desk, who):
    body = assert_problem(desk.call(who, "DELETE", "/v1/glossaries/default"), 403, "forbidden")
    assert "reset-default" in body["detail"]


def test_an_editor_deletes_its_teams_glossary(desk, news_glossary):
    assert desk.call("news2", "DELETE", "/v1/glossaries/bridges").status_code == 204
    assert_problem(desk.call("news", "GET", "/v1/glossaries/bridges"), 404)


# -- single-user mode ------------------------------------------------------------------------------

def test_single_user_mode_changes_the_default_glossary_as_before(client):
    assert client.post("/v1/glossaries/default/entries", json={"entries": [ENTRY]}).status_code == 200
    assert_problem(client.delete("/v1/glossaries/default"), 403, "forbidden")


def test_single_user_mode_makes_shared_glossaries_that_keys_read_but_only_admins_change(make_app):
    app = make_app(http={"api_keys_required": False})
    client = app.test_client()
    made = client.post("/v1/glossaries", json={"name": "house", "entries": [ENTRY]}).get_json()
    assert made["owner"] is None
    assert client.put("/v1/glossaries/house", json={"entries": [OTHER_ENTRY]}).status_code == 200
    assert client.delete("/v1/glossaries/house").status_code == 204


def test_keys_read_shared_glossaries_made_in_single_user_mode(desk):
    store = desk.app.extensions["briefs"].glossaries
    store.create("house", [])  # what single-user mode and the CLI make: shared
    assert desk.call("sports", "GET", "/v1/glossaries/house").get_json()["owner"] is None
    assert_problem(desk.call("sports", "PUT", "/v1/glossaries/house", json={"entries": [ENTRY]}), 403)
    assert desk.call("ops", "PUT", "/v1/glossaries/house", json={"entries": [ENTRY]}).status_code == 200


# -- the DeepL door --------------------------------------------------------------------------------

DEEPL_READS = {
    "v2-get": ("GET", "/v2/glossaries/{id}", {}),
    "v2-entries": ("GET", "/v2/glossaries/{id}/entries", {}),
    "v3-get": ("GET", "/v3/glossaries/{id}", {}),
    "v3-entries": ("GET", "/v3/glossaries/{id}/entries", {"query_string": {"source_lang": "en", "target_lang": "ja"}}),
}
DEEPL_WRITES = {
    "v2-delete": ("DELETE", "/v2/glossaries/{id}", {}),
    "v3-delete": ("DELETE", "/v3/glossaries/{id}", {}),
    "v3-patch": ("PATCH", "/v3/glossaries/{id}", {"json": {"dictionaries": [
        {"source_lang": "en", "target_lang": "ja", "entries": "Quay\t埠頭", "entries_format": "tsv"}]}}),
    "v3-put-dictionary": ("PUT", "/v3/glossaries/{id}/dictionaries", {"json": {
        "source_lang": "en", "target_lang": "ja", "entries": "Quay\t埠頭", "entries_format": "tsv"}}),
    "v3-delete-dictionary": ("DELETE", "/v3/glossaries/{id}/dictionaries",
                             {"query_string": {"source_lang": "en", "target_lang": "ja"}}),
}


@pytest.mark.parametrize("action", sorted(DEEPL_READS) + sorted(DEEPL_WRITES))
def test_deepl_door_hides_another_tenants_glossary(desk, news_glossary, action):
    method, path, options = {**DEEPL_READS, **DEEPL_WRITES}[action]
    response = _open(desk, "sports", method, path.format(id=news_glossary["id"]), options)
    assert response.status_code == 404, response.data
    assert "Harbor" not in response.get_data(as_text=True)
    assert unchanged(desk, news_glossary)


def test_deepl_door_lists_own_and_shared_glossaries(desk, news_glossary):
    desk.make("sports", "scores")
    for version in ("v2", "v3"):
        names = {g["name"] for g in desk.call("sports", "GET", f"/{version}/glossaries").get_json()["glossaries"]}
        assert names == {"default", "scores"}


def test_deepl_door_creates_in_the_callers_tenant(desk, news_glossary):
    response = desk.call("sports", "POST", "/v2/glossaries", json={
        "name": "bridges", "source_lang": "en", "target_lang": "ja", "entries": "Quay\t埠頭", "entries_format": "tsv"})
    assert response.status_code == 201, response.data
    assert desk.call("sports", "GET", "/v1/glossaries/bridges").get_json()["owner"] == "team:sports"
    assert unchanged(desk, news_glossary)
    assert desk.call("news_reader", "POST", "/v2/glossaries", json={
        "name": "x", "source_lang": "en", "target_lang": "ja", "entries": "Quay\t埠頭",
        "entries_format": "tsv"}).status_code == 403


# A body that fails validation, sent by a key that may not change the glossary: the 403 comes first.
DEEPL_BAD_WRITES = {
    "v3-put-dictionary": ("PUT", "/v3/glossaries/{id}/dictionaries", {"json": {"entries": 5}}),
    "v3-patch": ("PATCH", "/v3/glossaries/{id}", {"json": {"dictionaries": "not a list"}}),
    "v3-delete-dictionary": ("DELETE", "/v3/glossaries/{id}/dictionaries", {}),
}


@pytest.mark.parametrize("action", sorted(DEEPL_BAD_WRITES))
@pytest.mark.parametrize("who", ["news", "news_reader"])
def test_deepl_door_authorises_before_it_validates(desk, news_glossary, action, who):
    method, path, options = DEEPL_BAD_WRITES[action]
    target = "default" if who == "news" else news_glossary["id"]  # shared data; a reader's own team's
    response = _open(desk, who, method, path.format(id=target), options)
    assert response.status_code == 403, response.data
    assert set(response.get_json()) == {"message"}
    assert unchanged(desk, news_glossary)


@pytest.mark.parametrize("path", ["/v2/translate", "/v2/document"])
def test_deepl_glossary_id_of_another_tenant_is_unknown(desk, news_glossary, path):
    if path == "/v2/translate":
        response = desk.call("sports", "POST", path, json={"text": [SEGMENT], "source_lang": "EN", "target_lang": "JA",
                                                           "glossary_id": news_glossary["id"]})
    else:
        response = desk.call("sports", "POST", path, data={
            "source_lang": "EN", "target_lang": "JA", "glossary_id": news_glossary["id"],
            "file": (io.BytesIO(SEGMENT.encode()), "a.txt")})
    assert response.status_code == 404, response.data
    own = desk.call("news", "POST", "/v2/translate", json={"text": [SEGMENT], "source_lang": "EN",
                                                           "target_lang": "JA", "glossary_id": news_glossary["id"]})
    assert own.status_code == 200
    assert "ハーバー橋" in own.get_json()["translations"][0]["text"]


def test_with_keys_optional_a_sent_key_still_acts_for_its_tenant(make_app):
    app = make_app(http={"api_keys_required": False})
    _, secret = KeyStore(app.extensions["briefs"].settings.store_path).create("desk", team="news")
    client, keyed = app.test_client(), {"Authorization": f"Bearer {secret}"}
    made = client.post("/v1/glossaries", json={"name": "bridges", "entries": [ENTRY]}, headers=keyed).get_json()
    assert made["owner"] == "team:news"
    assert_problem(client.get("/v1/glossaries/bridges"), 404, "glossary-not-found")  # no key: single-user
    assert "bridges" not in {g["name"] for g in client.get("/v1/glossaries").get_json()["glossaries"]}
