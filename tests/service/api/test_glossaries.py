"""/v1/glossaries: JSON CRUD, file upload by Content-Type, download by Accept."""
from __future__ import annotations

import pytest

from service.api.glossary_schemas import GlossaryListSchema, GlossarySchema
from tests.service.api.helpers import assert_problem

ENTRY = {"source": "Fumio Kishida", "renderings": {"ja": "岸田文雄", "ko": "기시다 후미오"}, "type": "person"}
OTHER = {"source": "Yoon Suk Yeol", "renderings": {"ja": "尹錫悦", "ko": "윤석열"}, "type": "person"}


def create(client, name="politics", entries=(ENTRY,)):
    return client.post("/v1/glossaries", json={"name": name, "entries": list(entries), "description": "d"})


def test_create_get_and_list(client):
    response = create(client)
    assert response.status_code == 201
    assert GlossarySchema().validate(response.get_json()) == {}
    got = client.get("/v1/glossaries/politics").get_json()
    assert got["entries"][0]["renderings"]["ko"] == "기시다 후미오"
    listing = client.get("/v1/glossaries").get_json()
    assert GlossaryListSchema().validate(listing) == {}
    assert "politics" in [g["name"] for g in listing["glossaries"]]


def test_put_replaces_entries_and_bumps_version(client):
    first = create(client).get_json()
    replaced = client.put("/v1/glossaries/politics", json={"entries": [OTHER]}).get_json()
    assert [e["source"] for e in replaced["entries"]] == ["Yoon Suk Yeol"]
    assert replaced["id"] == first["id"]
    assert replaced["version"] > first["version"]


def test_entries_add_list_delete(client):
    create(client)
    added = client.post("/v1/glossaries/politics/entries", json={"entries": [OTHER]})
    assert added.status_code == 200
    assert {e["source"] for e in added.get_json()["entries"]} == {"Fumio Kishida", "Yoon Suk Yeol"}
    left = client.delete("/v1/glossaries/politics/entries", json={"sources": ["Fumio Kishida"]}).get_json()
    assert [e["source"] for e in left["entries"]] == ["Yoon Suk Yeol"]
    assert [e["source"] for e in client.get("/v1/glossaries/politics/entries").get_json()["entries"]] == \
        ["Yoon Suk Yeol"]


def test_delete_glossary_then_404(client):
    create(client)
    assert client.delete("/v1/glossaries/politics").status_code == 204
    assert_problem(client.get("/v1/glossaries/politics"), 404, "glossary-not-found")


def test_duplicate_name_is_409(client):
    create(client)
    assert_problem(create(client), 409)


def test_tsv_upload_and_download(client):
    tsv = "Seoul\t서울\nTokyo\t도쿄\n".encode()
    response = client.post("/v1/glossaries?name=places&target_lang=ko", data=tsv,
                           content_type="text/tab-separated-values")
    assert response.status_code == 201, response.data
    assert response.get_json()["entry_count"] == 2
    download = client.get("/v1/glossaries/places?target_lang=ko", headers={"Accept": "text/tab-separated-values"})
    assert download.status_code == 200
    assert download.mimetype == "text/tab-separated-values"
    assert "서울" in download.get_data(as_text=True)


@pytest.mark.parametrize(("accept", "mimetype"), [("text/csv", "text/csv"), ("application/x-tbx", "application/x-tbx")])
def test_download_formats_by_accept(client, accept, mimetype):
    create(client)
    response = client.get("/v1/glossaries/politics", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert "岸田文雄" in response.get_data(as_text=True)


def test_unacceptable_accept_is_406(client):
    create(client)
    assert_problem(client.get("/v1/glossaries/politics", headers={"Accept": "image/png"}), 406)


def test_malformed_file_is_422_and_stores_nothing(client):
    response = client.post("/v1/glossaries?name=broken&target_lang=ko", data=b"\xff\xfe\x00bad",
                           content_type="text/tab-separated-values")
    assert_problem(response, 422)
    assert_problem(client.get("/v1/glossaries/broken"), 404)


def test_upload_without_a_name_is_422(client):
    assert_problem(client.post("/v1/glossaries", data=b"a\tb\n", content_type="text/tab-separated-values"), 422)


@pytest.mark.parametrize(("payload", "field"), [
    ({"entries": [ENTRY]}, "name"),
    ({"name": "bad name!", "entries": []}, "name"),
    ({"name": "x", "entries": [{"source": "A"}]}, "entries.0.renderings"),
])
def test_bad_glossary_json_is_422(client, payload, field):
    body = assert_problem(client.post("/v1/glossaries", json=payload), 422)
    assert field in {e["field"] for e in body["errors"]}


def test_upload_of_an_unknown_type_is_415(client):
    assert_problem(client.post("/v1/glossaries", data=b"x", content_type="application/pdf"), 415)


def test_single_user_glossaries_are_shared_and_say_so(client):
    made = create(client).get_json()
    assert made["owner"] is None
    listing = {g["name"]: g for g in client.get("/v1/glossaries").get_json()["glossaries"]}
    assert listing["politics"]["owner"] is None
    assert listing["default"]["owner"] is None


def test_a_key_sees_its_glossarys_owner(make_app):
    from service.storage.keys import KeyStore

    app = make_app(http={"api_keys_required": True})
    _key, secret = KeyStore(app.extensions["briefs"].settings.store_path).create("desk", team="news")
    response = app.test_client().post("/v1/glossaries", json={"name": "politics", "entries": [ENTRY]},
                                      headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201
    assert response.get_json()["owner"] == "team:news"
