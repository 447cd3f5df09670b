"""Pulling from the hub: fast, explained failure offline; temp-then-rename with a manifest online.

Only loopback addresses are contacted: a closed port (offline), a server that answers 404
to everything (probe), and a minimal hub double that speaks the endpoints
huggingface_hub.snapshot_download uses, so the real download code runs end to end.
"""
from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from models.pull import probe_hub, pull_model
from models.registry import ModelSpec
from models.store import MANIFEST_NAME, verify_dir
from service.errors import ModelCorruptError, ModelMissingError

SPEC = ModelSpec(task="translation", key="en-ja", engine="transformers", model="org/tiny-en-ja", revision="v2")


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL whose port was just free: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class _NotFoundHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def local_hub_url() -> Iterator[str]:
    """A loopback HTTP server that answers every request (with 404)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotFoundHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def safetensors_bytes(note: str) -> bytes:
    """A minimal valid safetensors file (no tensors, metadata only)."""
    header = json.dumps({"__metadata__": {"note": note}}).encode()
    return len(header).to_bytes(8, "little") + header


def fake_snapshot_download(files: dict[str, str], calls: list[dict]):
    """Writes ``files`` into local_dir as a hub download would (plus the hub's .cache folder)."""

    def download(**kwargs: object) -> str:
        calls.append(kwargs)
        local_dir = Path(str(kwargs["local_dir"]))
        (local_dir / ".cache" / "huggingface").mkdir(parents=True)
        for name, text in files.items():
            (local_dir / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return str(local_dir)

    return download


COMPLETE = {"config.json": json.dumps({"model_type": "marian"}), "model.safetensors": safetensors_bytes("w"),
            "source.spm": "spm", "tokenizer_config.json": "{}"}


def test_offline_pull_fails_with_import_instructions(closed_port_url: str, tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(ModelMissingError) as err:
        pull_model(SPEC, tmp_path / "dest", endpoint=closed_port_url, timeout_s=10.0, progress=False)
    assert time.monotonic() - started < 30  # sanity only: it must not hang
    message = err.value.detail
    assert "org/tiny-en-ja" in message
    assert "en-ja" in message
    assert "machine with network" in message
    assert "python -m service models import DIR --for en-ja" in message
    assert closed_port_url in message
    assert not (tmp_path / "dest").exists()


def test_offline_pull_error_is_model_missing_not_corrupt(closed_port_url: str, tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError) as err:
        pull_model(SPEC, tmp_path / "dest", endpoint=closed_port_url, timeout_s=5.0, progress=False)
    assert err.value.exit_code == 3
    assert not isinstance(err.value, ModelCorruptError)


def test_probe_reports_refused_connection(closed_port_url: str) -> None:
    assert probe_hub(closed_port_url, SPEC, 5.0)


def test_probe_counts_any_http_answer_as_reachable(local_hub_url: str) -> None:
    assert probe_hub(local_hub_url, SPEC, 5.0) == ""


def test_pull_downloads_into_temp_then_renames(local_hub_url: str, tmp_path: Path, monkeypatch) -> None:
    calls: list[dict] = []
    monkeypatch.setattr("huggingface_hub.snapshot_download", fake_snapshot_download(COMPLETE, calls))
    dest = tmp_path / "store" / "org--tiny-en-ja"
    assert pull_model(SPEC, dest, endpoint=local_hub_url, timeout_s=5.0, progress=False) == dest
    (call,) = calls
    assert call["repo_id"] == "org/tiny-en-ja"
    assert call["revision"] == "v2"
    assert call["endpoint"] == local_hub_url
    assert Path(str(call["local_dir"])) != dest
    assert Path(str(call["local_dir"])).parent == dest.parent
    assert sorted(p.name for p in dest.parent.iterdir()) == ["org--tiny-en-ja"]
    assert not (dest / ".cache").exists()
    assert verify_dir(dest) == []
    manifest = json.loads((dest / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert (manifest["model"], manifest["revision"]) == ("org/tiny-en-ja", "v2")


def test_pull_with_progress_uses_the_default_bar(local_hub_url: str, tmp_path: Path, monkeypatch) -> None:
    calls: list[dict] = []
    monkeypatch.setattr("huggingface_hub.snapshot_download", fake_snapshot_download(COMPLETE, calls))
    pull_model(SPEC, tmp_path / "dest", endpoint=local_hub_url, timeout_s=5.0, progress=True)
    assert calls[0]["tqdm_class"] is None


def test_pull_replaces_an_existing_copy(local_hub_url: str, tmp_path: Path, monkeypatch) -> None:
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "old.bin").write_text("old", encoding="utf-8")
    monkeypatch.setattr("huggingface_hub.snapshot_download", fake_snapshot_download(COMPLETE, []))
    pull_model(SPEC, dest, endpoint=local_hub_url, timeout_s=5.0, progress=False)
    assert not (dest / "old.bin").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dest"]


def test_incomplete_download_is_not_installed(local_hub_url: str, tmp_path: Path, monkeypatch) -> None:
    partial = {k: v for k, v in COMPLETE.items() if k != "model.safetensors"}
    monkeypatch.setattr("huggingface_hub.snapshot_download", fake_snapshot_download(partial, []))
    with pytest.raises(ModelCorruptError, match="no weights file"):
        pull_model(SPEC, tmp_path / "dest", endpoint=local_hub_url, timeout_s=5.0, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_connection_lost_during_download(local_hub_url: str, tmp_path: Path, monkeypatch) -> None:
    def broken(**kwargs: object) -> str:
        Path(str(kwargs["local_dir"])).mkdir(parents=True)
        raise ConnectionResetError("connection reset by peer")

    monkeypatch.setattr("huggingface_hub.snapshot_download", broken)
    with pytest.raises(ModelMissingError, match="models import DIR --for en-ja"):
        pull_model(SPEC, tmp_path / "dest", endpoint=local_hub_url, timeout_s=5.0, progress=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("timeout_s", [0.0, -1.0])
def test_timeout_must_be_positive(timeout_s: float, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timeout_s"):
        pull_model(SPEC, tmp_path / "dest", endpoint="http://127.0.0.1:9", timeout_s=timeout_s, progress=False)


HUB_REPO = "org/tiny-en-ja"
HUB_COMMIT = "c0ffee" + "0" * 34
HUB_FILES = {"config.json": b'{"model_type": "marian"}', "model.safetensors": safetensors_bytes("hub"),
             "source.spm": b"spm-model", "vocab.json": b"{}"}


class _HubHandler(BaseHTTPRequestHandler):
    """Just enough of the hub's HTTP API for snapshot_download of one repository."""

    protocol_version = "HTTP/1.1"

    def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _route(self) -> None:
        path = unquote(urlparse(self.path).path)
        if path.startswith(f"/api/models/{HUB_REPO}/revision/"):
            info = {"id": HUB_REPO, "sha": HUB_COMMIT, "siblings": [{"rfilename": f} for f in HUB_FILES]}
            return self._reply(200, json.dumps(info).encode(), {"Content-Type": "application/json"})
        if path.startswith(f"/api/models/{HUB_REPO}/tree/"):
            tree = [{"type": "file", "path": f, "size": len(b), "oid": hashlib.sha1(b).hexdigest()}
                    for f, b in HUB_FILES.items()]
            return self._reply(200, json.dumps(tree).encode(), {"Content-Type": "application/json"})
        prefix = f"/{HUB_REPO}/resolve/{HUB_COMMIT}/"
        if path.startswith(prefix) and path[len(prefix):] in HUB_FILES:
            body = HUB_FILES[path[len(prefix):]]
            return self._reply(200, body, {"X-Repo-Commit": HUB_COMMIT,
                                           "ETag": f'"{hashlib.sha1(body).hexdigest()}"'})
        self._reply(404, b'{"error": "Repository not found"}', {"X-Error-Code": "RepoNotFound",
                                                                 "Content-Type": "application/json"})
        return None

    do_GET = _route
    do_HEAD = _route

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def fake_hub_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HubHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_real_download_from_a_loopback_hub(fake_hub_url: str, tmp_path: Path) -> None:
    dest = tmp_path / "org--tiny-en-ja"
    pull_model(SPEC, dest, endpoint=fake_hub_url, timeout_s=10.0, progress=False)
    assert {p.name: p.read_bytes() for p in dest.iterdir() if p.name != MANIFEST_NAME} == HUB_FILES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["org--tiny-en-ja"]
    assert verify_dir(dest) == []


def test_unknown_repository_on_the_hub(fake_hub_url: str, tmp_path: Path) -> None:
    spec = ModelSpec(task="translation", key="en-ko", engine="transformers", model="org/absent")
    with pytest.raises(ModelMissingError, match=r"org/absent .*not found on the hub"):
        pull_model(spec, tmp_path / "dest", endpoint=fake_hub_url, timeout_s=10.0, progress=False)
    assert list(tmp_path.iterdir()) == []
