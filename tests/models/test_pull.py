"""Pulling from the hub: fast, explained failure offline; temp-then-rename with a manifest online.

Only loopback addresses are contacted. The download itself is a test double that writes
files where snapshot_download would; the reachability probe talks to a real local server.
"""
from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
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


def fake_snapshot_download(files: dict[str, str], calls: list[dict]):
    """Writes ``files`` into local_dir as a hub download would (plus the hub's .cache folder)."""

    def download(**kwargs: object) -> str:
        calls.append(kwargs)
        local_dir = Path(str(kwargs["local_dir"]))
        (local_dir / ".cache" / "huggingface").mkdir(parents=True)
        for name, text in files.items():
            (local_dir / name).write_text(text, encoding="utf-8")
        return str(local_dir)

    return download


COMPLETE = {"config.json": json.dumps({"model_type": "marian"}), "model.safetensors": "w" * 64,
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
