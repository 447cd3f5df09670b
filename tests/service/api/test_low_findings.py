"""The smaller reliability findings of issue 25, each at the HTTP level: TSV exports guard spreadsheet
formulas as CSV ones do; a chunked body over the limit is 413; a segment of control characters only
is refused as an article of them is; each gunicorn instance has its own control socket."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from service.api.serving import control_socket_for
from service.settings import HttpOptions
from tests.service.api.helpers import assert_problem

FORMULAS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)"]
TSV = "text/tab-separated-values"


def test_tsv_exports_neutralise_formulas_and_read_back_the_same(client):
    entries = [{"source": f"{f} Term", "renderings": {"ja": f"{f}訳"}} for f in FORMULAS]
    assert client.post("/v1/glossaries", json={"name": "desk", "entries": entries}).status_code == 201
    exported = client.get("/v1/glossaries/desk", headers={"Accept": TSV}).get_data(as_text=True)
    cells = [cell for line in exported.splitlines() for cell in line.split("\t")]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))], exported
    again = client.put("/v1/glossaries/desk2", data=exported.encode(), content_type=TSV)
    assert again.status_code == 200, again.data
    assert sorted(e["source"] for e in again.get_json()["entries"]) == sorted(e["source"] for e in entries)


def test_deepls_entries_tsv_neutralises_formulas(client):
    created = client.post("/v2/glossaries", json={"name": "desk", "source_lang": "en", "target_lang": "ja",
                                                  "entries": "=cmd|' /C calc'!A0\t@訳\nHarbor\t港",
                                                  "entries_format": "tsv"})
    assert created.status_code == 201, created.data
    glossary_id = created.get_json()["glossary_id"]
    tsv = client.get(f"/v2/glossaries/{glossary_id}/entries", headers={"Accept": TSV}).get_data(as_text=True)
    assert "'=cmd|' /C calc'!A0\t'@訳" in tsv.splitlines()
    assert "Harbor\t港" in tsv.splitlines()


def test_a_chunked_body_over_the_limit_is_413(make_app):
    client = make_app(http={"max_body_bytes": 1_000, "rate_limit": "1000/minute"}).test_client()
    body = json.dumps({"segments": ["x" * 3_000]}).encode()
    response = client.post("/v1/translate", input_stream=io.BytesIO(body),
                           headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert_problem(response, 413, "body-too-large")


@pytest.mark.parametrize("segment", ["\x00\x1b", "\u202e\u2066 \u2069", "\x85"])
def test_a_segment_of_control_characters_only_is_422_as_an_article_of_them(client, segment):
    problem = assert_problem(client.post("/v1/translate", json={"segments": ["Fine.", segment]}), 422)
    assert problem["errors"][0]["field"] == "segments.1"
    assert_problem(client.post("/v1/briefs", json={"text": segment}), 422)


def test_each_gunicorn_instance_gets_its_own_control_socket_or_none(tmp_path):
    first, _ = control_socket_for(HttpOptions(port=8000), str(tmp_path))
    second, _ = control_socket_for(HttpOptions(port=8001), str(tmp_path))
    assert first != second
    assert first.startswith(str(tmp_path))
    assert control_socket_for(HttpOptions(control_socket="none")) == ("", True)
    assert control_socket_for(HttpOptions(control_socket="/run/briefs/a.ctl")) == ("/run/briefs/a.ctl", False)


@pytest.mark.slow
def test_two_instances_on_one_host_keep_their_own_control_sockets(tmp_path):
    from tests.servers import running_gunicorn

    no_models = tmp_path / "no-models"
    with running_gunicorn(tmp_path, no_models, name="a", http={"preload_models": False}) as first:
        with running_gunicorn(tmp_path, no_models, name="b", http={"preload_models": False}) as second:
            sockets = [control_socket_for(HttpOptions(port=int(s.base.rsplit(":", 1)[1])))[0]
                       for s in (first, second)]
            assert sockets[0] != sockets[1]
            assert all(Path(s).is_socket() for s in sockets), (first.log_text(), second.log_text())
        assert not Path(sockets[1]).exists()  # stopping one removes its own socket only
        assert Path(sockets[0]).is_socket()
