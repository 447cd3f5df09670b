"""``python -m service jobs``: submit, follow, status, list, results and cancel against a server on loopback."""
from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from service.cli import main
from tests.service.batch.articles import make_articles, write_zip
from tests.service.jobs.fixtures import gated, jobs_app_factory  # noqa: F401 - fixtures


@pytest.fixture
def server(jobs_app_factory) -> Iterator[str]:  # noqa: F811 - the imported fixture
    app, _, _ = jobs_app_factory()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def test_submit_wait_status_list_results_and_cancel(server, tmp_path, capsys):
    archive = write_zip(tmp_path / "wire.zip", make_articles(5))
    assert main(["jobs", "submit", str(archive), "--url", server, "--to", "ja", "--sentences", "2",
                 "--format", "json,md", "--wait"]) == 0
    out, err = capsys.readouterr()
    job_id, state = out.split()[:2]
    assert state == "done"
    assert "5 done, 0 failed, 0 skipped of 5" in out
    assert "done: 5 done" in err
    assert main(["jobs", "status", job_id, "--url", server, "--json"]) == 0
    assert '"state": "done"' in capsys.readouterr().out
    assert main(["jobs", "list", "--url", server]) == 0
    assert job_id in capsys.readouterr().out
    target = tmp_path / "results" / "job.zip"
    assert main(["jobs", "results", job_id, "--url", server, "--out", str(target)]) == 0
    names = zipfile.ZipFile(target).namelist()
    assert "manifest.jsonl" in names
    assert sum(n.endswith(".txt.md") for n in names) == 5
    assert main(["jobs", "cancel", job_id, "--url", server]) == 0
    assert "done" in capsys.readouterr().out  # a finished job stays as it ended


def test_a_refused_request_prints_the_servers_detail_and_exits_2(server, capsys):
    assert main(["jobs", "status", "0" * 32, "--url", server]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 404: no job")


def test_an_unreachable_server_exits_3(capsys):
    assert main(["jobs", "status", "x", "--url", "http://127.0.0.1:9"]) == 3
    assert "cannot reach http://127.0.0.1:9" in capsys.readouterr().err


def test_a_missing_input_file_exits_2(tmp_path, capsys):
    assert main(["jobs", "submit", str(tmp_path / "nope.zip"), "--url", "http://127.0.0.1:9"]) == 2
