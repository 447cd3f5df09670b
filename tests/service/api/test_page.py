"""The reviewer page: assets served by the app, the brief view escaped, entities highlighted alike, keys honoured."""
from __future__ import annotations

import re

import pytest
from lxml import html

from service.storage.keys import KeyStore
from tests.service.api.helpers import ARTICLE, assert_problem

HOSTILE = ("Officials met in Tokyo on Monday: <script>alert(1)</script> &amp; ]]> \u202eevil\u202c said so. "
           "They discussed trade and security.")


def _cell(doc, segment: str, lang: str):
    return doc.get_element_by_id(f"seg-{segment}").xpath(f"td[@lang='{lang}']")[0]


def _stored(client, text=ARTICLE, **extra):
    body = client.post("/v1/briefs", json={"text": text, "sentences": 2, "store": True, **extra}).get_json()
    return body["id"]


def test_page_is_a_form_with_only_local_assets(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    doc = html.fromstring(response.get_data(as_text=True))
    assert doc.get_element_by_id("brief-form") is not None
    assets = [a for e in doc.iter("script", "link") if not (a := e.get("src") or e.get("href")).startswith("data:")]
    assert assets
    assert all(a.startswith("/desk/static/") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200
    assert [i.get("value") for i in doc.xpath("//input[@name='target_langs']")] == ["ja", "ko"]


def test_view_shows_three_columns_with_the_same_entity_highlighted_in_each(client):
    bid = _stored(client)
    response = client.get(f"/v1/briefs/{bid}/view")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    doc = html.fromstring(response.get_data(as_text=True))
    assert [th.text_content() for th in doc.xpath("//thead/tr/th")] == ["English", "日本語", "한국어"]
    first = doc.get_element_by_id("seg-s1")
    by_lang = {td.get("lang"): {m.get("data-entity") for m in td.xpath(".//mark")} for td in first.xpath("td")}
    assert set(by_lang) == {"en", "ja", "ko"}
    shared = by_lang["en"] & by_lang["ja"] & by_lang["ko"]
    assert shared, "Tokyo is highlighted in every column"
    entity = shared.pop()
    classes = {m.get("class") for m in first.xpath(f".//mark[@data-entity='{entity}']")}
    assert len(classes) == 1, "same colour in every column"
    assert doc.get_element_by_id(f"entity-{entity}").xpath("dt")[0].text == "Tokyo"


def test_hostile_article_renders_as_inert_text(client):
    bid = _stored(client, HOSTILE)
    data = client.get(f"/v1/briefs/{bid}/view").get_data(as_text=True)
    assert "<script>" not in data
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in data
    assert "&amp;amp;" in data
    doc = html.fromstring(data)
    assert not doc.xpath("//script")
    # Exactly the brief's text, whatever the pipeline's input normalization kept of the bidi controls.
    english = client.get(f"/v1/briefs/{bid}").get_json()["segments"][0]["en"]
    assert _cell(doc, "s1", "en").xpath("p[@class='text']")[0].text_content() == english


def test_view_shows_the_title_first_and_what_was_left_out(client):
    text = "Tokyo Talks Open On Port Agreement Today\n\n" + ARTICLE + "\n\nPrint | Email\n\n###"
    bid = _stored(client, text)
    doc = html.fromstring(client.get(f"/v1/briefs/{bid}/view").get_data(as_text=True))
    rows = doc.xpath("//tbody/tr[@data-segment]")
    assert [r.get("data-segment") for r in rows] == ["title", "s1", "s2"]
    assert rows[0].get("class") == "title-row"
    assert _cell(doc, "title", "en").xpath("p[@class='text']")[0].text_content() == (
        "Tokyo Talks Open On Port Agreement Today")
    assert _cell(doc, "title", "ja").xpath(".//form[@class='edit-form']"), "the title is edited like a segment"
    dropped = [li.text_content() for li in doc.xpath("//details[@class='dropped']//li")]
    assert dropped == ["navigation: Print | Email", "end-mark: ###"]


def test_edit_shows_in_the_view_with_its_history(client):
    bid = _stored(client)
    client.patch(f"/v1/briefs/{bid}/segments/s1", json={"lang": "ja", "text": "東京で<b>会合</b>。"})
    doc = html.fromstring(client.get(f"/v1/briefs/{bid}/view").get_data(as_text=True))
    cell = _cell(doc, "s1", "ja")
    assert cell.get("data-provenance") == "edited"
    assert cell.xpath("p[@class='text']")[0].text_content() == "東京で<b>会合</b>。"
    assert not cell.xpath(".//b")
    assert doc.xpath("//ol[@class='history']/li")


def test_every_target_cell_has_a_labelled_edit_form(client):
    doc = html.fromstring(client.get(f"/v1/briefs/{_stored(client)}/view").get_data(as_text=True))
    forms = doc.xpath("//form[@class='edit-form']")
    assert len(forms) == 4  # 2 segments x 2 targets
    for form in forms:
        textarea = form.xpath(".//textarea")[0]
        assert form.xpath(f".//label[@for='{textarea.get('id')}']")


def test_unknown_brief_view_is_404(client):
    assert_problem(client.get("/v1/briefs/nope/view"), 404, "brief-not-found")


@pytest.fixture
def keyed(make_app):
    app = make_app(http={"api_keys_required": True, "rate_limit": "100/minute"})
    return app.test_client(), KeyStore(app.extensions["briefs"].settings.store_path)


def test_with_keys_on_the_page_is_public_but_the_view_needs_a_key(keyed):
    client, keys = keyed
    assert client.get("/").status_code == 200
    assert client.get("/desk/static/desk.js").status_code == 200
    _, secret = keys.create("reviewer")
    auth = {"Authorization": f"Bearer {secret}"}
    body = {"text": ARTICLE, "sentences": 1, "store": True}
    bid = client.post("/v1/briefs", json=body, headers=auth).get_json()["id"]
    assert_problem(client.get(f"/v1/briefs/{bid}/view"), 401)
    assert client.get(f"/v1/briefs/{bid}/view", headers=auth).status_code == 200


def test_script_keeps_the_key_in_session_storage_only(client):
    script = client.get("/desk/static/desk.js").data.decode()
    assert "sessionStorage" in script
    assert "localStorage" not in script
    assert "document.cookie" not in script
    assert not re.search(r"https?://", script), "no external requests"
