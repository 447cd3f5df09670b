"""Faults, on 127.0.0.1 with the tiny models: what a client and the store see when things break.

(a) a gunicorn worker SIGKILLed mid-request; (b) kill -9 of ``python -m service glossary import``
during a large import; (c) a corrupt (truncated) and a missing model; (d) a read-only store;
(e) a worker killed (or restarted) while it translates documents; (f) a store made read-only under a
running server, then writable again.
Every wait is bounded; the outcome of each is in docs/RELIABILITY.md.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from service.api.app import create_app
from service.glossary.store import GlossaryStore
from tests.helpers import make_settings
from tests.servers import BIN, REPO, GunicornServer, running_gunicorn

WAIT_S = 60  # bound on every wait in this module
BIG_PUT = 5_000  # entries of the request a worker is killed in (about a second of work)
BIG_IMPORT = 30_000  # entries of the import that is killed while it writes
ARTICLE = ("The harbor authority reopened the northern pier on Monday after repairs. "
           "Ferries will run every hour from Tuesday. Officials thanked residents for their patience.")
OLD_ENTRIES = [{"source": f"Pier {n}", "renderings": {"ja": f"桟橋{n}", "ko": f"부두{n}"}} for n in range(3)]


def call(url: str, method: str = "GET", body: Any = None, timeout: float = WAIT_S
         ) -> tuple[int, dict[str, str], bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def children(pid: int) -> list[int]:
    """Live processes whose parent is ``pid`` (gunicorn's workers; a killed one not yet reaped is left out)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if int(parent) == pid and state != "Z":
            found.append(int(stat.parent.name))
    return found


def many_entries(count: int) -> list[dict[str, Any]]:
    return [{"source": f"Term {n}", "renderings": {"ja": f"用語{n}", "ko": f"용어{n}"}} for n in range(count)]


def _put_in_thread(url: str, body: Any, outcome: dict[str, Any]) -> threading.Thread:
    def send() -> None:
        try:
            outcome["status"] = call(url, "PUT", body)[0]
        except (OSError, http.client.HTTPException) as exc:  # the connection died with the worker
            outcome["error"] = type(exc).__name__

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def _wait_for_new_worker(server: GunicornServer, killed: int) -> int:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        workers = [p for p in children(server.process.pid) if p != killed]
        if workers:
            server.wait_answering("/healthz", timeout_s=max(1.0, deadline - time.monotonic()))
            return workers[0]
        time.sleep(0.1)
    pytest.fail(f"gunicorn started no new worker in {WAIT_S}s:\n{server.log_text()}")


@pytest.mark.slow
def test_a_worker_killed_mid_request_loses_nothing_and_is_replaced(tiny_models_dir, tmp_path):
    big = {"entries": many_entries(BIG_PUT)}
    with running_gunicorn(tmp_path, tiny_models_dir, ready_path="/readyz") as server:
        assert call(server.base + "/v1/glossaries", "POST", {"name": "desk", "entries": OLD_ENTRIES})[0] == 201
        started = time.monotonic()
        assert call(server.base + "/v1/glossaries/probe", "PUT", big)[0] == 200  # how long a big write takes
        took = time.monotonic() - started
        outcome: dict[str, Any] = {}
        for share in (0.5, 0.25, 0.75):  # bounded: until one kill lands while the request is in flight
            outcome = {}
            (worker,) = children(server.process.pid)
            thread = _put_in_thread(server.base + "/v1/glossaries/desk", big, outcome)
            time.sleep(took * share)
            os.kill(worker, signal.SIGKILL)
            thread.join(WAIT_S)
            _wait_for_new_worker(server, worker)
            if "error" in outcome:
                break
        assert "error" in outcome, f"every request finished before its worker was killed ({took:.2f}s each)"
        status, _, raw = call(server.base + "/v1/glossaries/desk")
        desk = json.loads(raw)
        assert status == 200, desk["version"]
        assert (desk["version"], len(desk["entries"])) in ((1, 3), (2, BIG_PUT)), desk["version"]
        assert call(server.base + "/v1/briefs", "POST", {"text": ARTICLE, "sentences": 2})[0] == 200
        status, _, raw = call(server.base + "/v1/glossaries/desk", "PUT", {"entries": OLD_ENTRIES[:1]})
        assert status == 200
        assert json.loads(raw)["version"] == desk["version"] + 1


def _cli(config: Path, *args: str, **popen: Any) -> subprocess.Popen[str]:
    env = {"BRIEFS_CONFIG": str(config), "PATH": str(BIN), "HOME": str(config.parent), "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "service", *args], cwd=config.parent, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def _run_cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    process = _cli(config, *args)
    out, err = process.communicate(timeout=WAIT_S * 2)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.slow
def test_kill_9_during_a_glossary_import_leaves_the_old_or_the_new_glossary(tmp_path):
    count = BIG_IMPORT
    store = tmp_path / "store.sqlite3"
    config = tmp_path / "briefs.toml"
    config.write_text(f'store_path = "{store}"\nauto_pull = false\n[limits]\nmax_import_entries = {count}\n',
                      encoding="utf-8")
    small, big = tmp_path / "small.tsv", tmp_path / "big.tsv"
    small.write_text("".join(f"Pier {n}\t桟橋{n}\n" for n in range(3)), encoding="utf-8")
    big.write_text("".join(f"Term {n}\t用語{n}\n" for n in range(count)), encoding="utf-8")
    done = _run_cli(config, "glossary", "import", str(small), "--name", "desk", "--target", "ja")
    assert done.returncode == 0, done.stderr
    wal = tmp_path / "store.sqlite3-wal"
    before = wal.stat().st_size if wal.exists() else 0
    process = _cli(config, "glossary", "import", str(big), "--name", "desk", "--target", "ja", "--replace")
    deadline = time.monotonic() + WAIT_S
    # Kill once the import writes: its transaction's pages spill into the write-ahead log.
    while process.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > before + 256 * 1024:
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=WAIT_S)
    assert process.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    glossary = GlossaryStore(f"sqlite:///{store}").get("desk")
    # The old one (the kill came before the commit, as it does here) or the whole new one; never a part.
    assert (glossary.version, len(glossary.entries)) in ((1, 3), (2, count)), glossary.version
    listed = _run_cli(config, "glossary", "list")
    assert listed.returncode == 0, listed.stderr
    assert "desk" in listed.stdout, listed.stderr
    again = _run_cli(config, "glossary", "import", str(big), "--name", "desk", "--target", "ja", "--replace")
    assert again.returncode == 0, again.stderr
    assert len(GlossaryStore(f"sqlite:///{store}").get("desk").entries) == count


def _break_models(tiny_models_dir: Path, root: Path) -> tuple[Path, str]:
    """A copy of the tiny models with en-ja's weights truncated and en-ko's folders gone."""
    models = root / "models"
    shutil.copytree(tiny_models_dir, models, ignore=shutil.ignore_patterns(".cache"))
    weights = next(models.glob("briefs-tiny--marian-en-ja--ct2-*")) / "model.bin"
    with weights.open("r+b") as fh:
        fh.truncate(weights.stat().st_size // 2)
    for folder in models.glob("briefs-tiny--marian-en-ko*"):
        shutil.rmtree(folder)
    return models, weights.name


@pytest.mark.slow
def test_a_corrupt_and_a_missing_model_are_named_and_answer_503(tiny_models_dir, tmp_path):
    models, bad_file = _break_models(tiny_models_dir, tmp_path)
    with running_gunicorn(tmp_path, models) as server:
        status, headers, raw = call(server.base + "/readyz")
        ready = json.loads(raw)
        assert status == 503
        assert headers["Content-Type"] == "application/problem+json"
        states = {m["pair"]: m for m in ready["models"]}
        assert states["en-ja"]["state"] == "corrupt"
        assert states["en-ja"]["file"] == bad_file
        assert states["en-ko"]["state"] == "missing"
        assert bad_file in ready["detail"]
        assert "missing" in ready["detail"]
        answers = {}
        for target in ("ja", "ko"):
            status, headers, raw = call(server.base + "/v1/briefs", "POST",
                                        {"text": ARTICLE, "sentences": 1, "target_langs": [target]})
            problem = json.loads(raw)
            assert status == 503, raw[:300]
            assert headers["Content-Type"] == "application/problem+json", raw[:300]
            answers[target] = problem["code"]
        assert answers == {"ja": "model-corrupt", "ko": "model-missing"}
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    config = tmp_path / "cli.toml"
    config.write_text(f'models_dir = "{models}"\nstore_path = "{tmp_path / "cli.sqlite3"}"\nauto_pull = false\n',
                      encoding="utf-8")
    done = _run_cli(config, "brief", str(article), "--to", "ja")
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 3, done.stderr
    assert len(lines) == 1, done.stderr
    assert bad_file in lines[0], done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("where", ["header", "weights"])
def test_a_model_file_changed_in_place_is_named_by_readyz_and_answers_503(tiny_models_dir, tmp_path, where):
    """Same size, other bytes: the folder check passes; loading fails (a header) or would serve garbage
    (weights): the worker verifies its models against their manifests at start and names the file."""
    models = tmp_path / "models"
    shutil.copytree(tiny_models_dir, models, ignore=shutil.ignore_patterns(".cache"))
    weights = next(models.glob("briefs-tiny--marian-en-ja--ct2-*")) / "model.bin"
    data = bytearray(weights.read_bytes())
    at = 0 if where == "header" else len(data) // 2
    data[at:at + 64] = bytes(64)
    weights.write_bytes(bytes(data))
    with running_gunicorn(tmp_path, models) as server:
        status, _, raw = call(server.base + "/readyz")
        ready = json.loads(raw)
        assert status == 503, ready
        states = {m["pair"]: m for m in ready["models"]}
        assert (states["en-ja"]["state"], states["en-ja"]["file"]) == ("corrupt", "model.bin"), ready
        assert states["en-ko"]["state"] == "installed"
        assert states["en-ko"]["loaded"]
        assert "model.bin" in ready["detail"]
        assert "installed but not loaded" not in ready["detail"]
        status, _, raw = call(server.base + "/v1/briefs", "POST",
                              {"text": ARTICLE, "sentences": 1, "target_langs": ["ja"]})
        assert status == 503, raw[:300]
        assert json.loads(raw)["code"] == "model-corrupt"
        assert "model.bin" in json.loads(raw)["detail"]
        assert call(server.base + "/v1/briefs", "POST",
                    {"text": ARTICLE, "sentences": 1, "target_langs": ["ko"]})[0] == 200


def test_a_read_only_store_refuses_writes_with_503_and_still_reads(tmp_path, monkeypatch):
    """Root ignores file modes, so the store is opened read-only by its URL (SQLite ``mode=ro``)."""
    writable = make_settings(tmp_path)  # glossaries need no models
    client = create_app(writable).test_client()
    assert client.post("/v1/glossaries", json={"name": "desk", "entries": OLD_ENTRIES}).status_code == 201
    monkeypatch.chdir(tmp_path)  # the URI names the file relative to here
    read_only = make_settings(tmp_path, store_url="sqlite:///file:store.sqlite3?mode=ro&uri=true")
    client = create_app(read_only).test_client()
    listed = client.get("/v1/glossaries")
    assert listed.status_code == 200
    assert [g["name"] for g in listed.get_json()["glossaries"]].count("desk") == 1
    assert client.get("/v1/glossaries/desk").get_json()["version"] == 1
    for method, path, body in (("post", "/v1/glossaries", {"name": "new", "entries": OLD_ENTRIES}),
                               ("put", "/v1/glossaries/desk", {"entries": OLD_ENTRIES[:1]}),
                               ("delete", "/v1/glossaries/desk", None)):
        response = getattr(client, method)(path, json=body)
        problem = response.get_json()
        assert response.status_code == 503, response.data
        assert response.mimetype == "application/problem+json", response.data
        assert problem["code"] == "store-unavailable"
        assert "read-only" in problem["detail"]
        assert int(response.headers["Retry-After"]) > 0
    assert client.get("/v1/glossaries/desk").get_json()["version"] == 1  # nothing changed


DOCUMENT_LINE = "The harbor authority reopened pier number {n} on Monday after a month of repairs.\n"
DOCUMENT_CAP = 2  # documents.max_pending of the test server


def _upload(base: str, text: str) -> tuple[int, dict[str, Any]]:
    boundary = "briefs-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"target_lang\"\r\n\r\nJA\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"source_lang\"\r\n\r\nEN\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"harbor.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\n{text}\r\n--{boundary}--\r\n").encode()
    request = urllib.request.Request(base + "/v2/document", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=WAIT_S) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _document_status(base: str, handle: dict[str, Any]) -> str:
    status, _, raw = call(f"{base}/v2/document/{handle['document_id']}", "POST",
                          {"document_key": handle["document_key"]})
    return json.loads(raw)["status"] if status == 200 else f"http-{status}"


def _statuses(base: str, handles: list[dict[str, Any]]) -> list[str]:
    return [_document_status(base, h) for h in handles]


@pytest.mark.slow
@pytest.mark.parametrize("how", ["kill-9", "restart"])
def test_a_killed_or_restarted_workers_documents_are_finished_by_its_successor(tiny_models_dir, tmp_path, how):
    """Documents a worker was translating (and those queued behind them) finish after it dies or is restarted,
    and stop counting toward documents.max_pending: the next upload is accepted."""
    text = "".join(DOCUMENT_LINE.format(n=n) for n in range(1_500))  # ~125,000 characters: a second of work
    options = {"documents": {"lease_s": 2.0, "workers": 1, "max_pending": DOCUMENT_CAP}}
    with running_gunicorn(tmp_path, tiny_models_dir, ready_path="/readyz", settings=options) as server:
        for _attempt in range(3):  # bounded: until the worker goes while a document is being translated
            uploads = [_upload(server.base, text) for _ in range(DOCUMENT_CAP)]
            assert [status for status, _ in uploads] == [200] * DOCUMENT_CAP, uploads
            handles = [handle for _, handle in uploads]
            assert _upload(server.base, "One more.")[0] == 429  # the cap is full
            deadline = time.monotonic() + WAIT_S
            while "translating" not in (seen := _statuses(server.base, handles)) and time.monotonic() < deadline:
                time.sleep(0.05)
            (worker,) = children(server.process.pid)
            os.kill(*((worker, signal.SIGKILL) if how == "kill-9" else (server.process.pid, signal.SIGHUP)))
            if "translating" in seen:
                break
            _wait_for_new_worker(server, worker)
        assert "translating" in seen, f"no document was being translated when the worker went: {seen}"
        if how == "kill-9":
            _wait_for_new_worker(server, worker)
        deadline = time.monotonic() + WAIT_S * 2
        while (finished := _statuses(server.base, handles)) != ["done"] * DOCUMENT_CAP:
            assert "error" not in finished, finished
            assert time.monotonic() < deadline, f"documents not finished after the worker went: {finished}"
            time.sleep(0.2)
        assert worker not in children(server.process.pid)
        assert _upload(server.base, "One more.")[0] == 200  # nothing orphaned counts toward the cap
        status, _, result = call(f"{server.base}/v2/document/{handles[0]['document_id']}/result", "POST",
                                 {"document_key": handles[0]["document_key"]})
        assert status == 200
        assert result.decode().count("\n") == text.count("\n")


def _without_file_permission_override() -> list[str]:
    """A command prefix under which file modes bind this process too (root ignores them otherwise)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): file modes cannot make the store read-only")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def _set_modes(folder: Path, file_mode: int, folder_mode: int) -> None:
    for path in folder.iterdir():
        path.chmod(file_mode)
    folder.chmod(folder_mode)


@pytest.mark.slow
def test_a_store_made_read_only_refuses_writes_then_heals_within_5_s_of_being_writable(tmp_path):
    store_dir = tmp_path / "store"
    store_dir.mkdir()
    entries = {"entries": OLD_ENTRIES}
    with running_gunicorn(tmp_path, tmp_path / "no-models", settings={"store_path": str(store_dir / "s.sqlite3")},
                          http={"preload_models": False}, command_prefix=_without_file_permission_override()
                          ) as server:
        assert call(server.base + "/v1/glossaries", "POST", {"name": "desk", **entries})[0] == 201
        _set_modes(store_dir, 0o444, 0o555)
        try:
            (worker,) = children(server.process.pid)
            os.kill(server.process.pid, signal.SIGHUP)  # a restart: the new worker opens the store read-only
            _wait_for_new_worker(server, worker)
            for _ in range(20):  # a client that keeps trying meanwhile
                status, headers, raw = call(server.base + "/v1/glossaries", "POST", {"name": "late", **entries})
                assert status == 503, raw[:300]
                assert json.loads(raw)["code"] == "store-unavailable"
                assert "read-only" in json.loads(raw)["detail"]
                assert int(headers["Retry-After"]) > 0
            assert call(server.base + "/v1/glossaries/desk")[0] == 200  # reads work
        finally:
            _set_modes(store_dir, 0o644, 0o755)
        writable_at = time.monotonic()
        while (answer := call(server.base + "/v1/glossaries", "POST", {"name": "late", **entries}))[0] != 201:
            assert answer[0] == 503, answer
            assert time.monotonic() - writable_at < 10, (f"writes still refused 10 s after the store became "
                                                         f"writable: {answer}\n{server.log_text()}")
            time.sleep(0.2)
        healed_s = time.monotonic() - writable_at
        assert healed_s <= 5, f"writes came back {healed_s:.1f} s after the store became writable"
        log = server.log_text()
    # Once per process: the worker that serves logs the outage as it starts and as it ends; the worker the
    # restart replaced may have seen its start too before it exited.
    starts = re.findall(r"is read-only \(process (\d+)\)", log)
    ends = re.findall(r"is no longer read-only \(process (\d+),", log)
    assert len(ends) == 1, log
    assert starts.count(ends[0]) == 1, log
    assert len(starts) == len(set(starts)), log
    assert "Traceback" not in log
