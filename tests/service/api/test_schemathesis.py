"""schemathesis against gunicorn on 127.0.0.1 (tiny models), keys off and keys on: every check, 0 failures.

Covers every operation of the service's own API (/v1, health, metrics); the DeepL- and
LibreTranslate-compatible doors document their peers' shapes and are checked by their own tests.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from service.keys import KeyStore
from service.settings import load_settings

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
CONFIG = Path(__file__).with_name("schemathesis.toml")
OWN_OPERATIONS = r"^/(v1/|healthz|readyz|metrics)"
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))  # noqa: TID251 - test knob, not a setting
STARTUP_S = 120
RUN_S = 900


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(tmp_path: Path, models_dir: Path, *, keys: bool) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    config = tmp_path / "serve.toml"
    config.write_text(
        f'models_dir = "{models_dir}"\nstore_path = "{tmp_path / "store.sqlite3"}"\nauto_pull = false\n'
        f'[http]\nhost = "127.0.0.1"\nport = {port}\nworkers = 1\nthreads = 8\n'
        f'rate_limit = "1000000/minute"\napi_keys_required = {str(keys).lower()}\ntimeout_s = 120\n',
        encoding="utf-8")
    env = {"BRIEFS_CONFIG": str(config), "PATH": str(BIN), "HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    log = tmp_path / "gunicorn.log"
    proc = subprocess.Popen([str(BIN / "gunicorn"), "wsgi:app", "-c", "config/gunicorn.conf.py"], cwd=REPO,
                            env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"gunicorn exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5):
                return proc, base, config
        except OSError:
            time.sleep(0.25)
    proc.kill()
    pytest.fail(f"gunicorn not up in {STARTUP_S}s:\n{log.read_text()}")


@pytest.mark.parametrize("keys", [False, True], ids=["keys-off", "keys-on"])
def test_schemathesis_all_checks_pass(tiny_models_dir, tmp_path, keys):
    proc, base, config = start_gunicorn(tmp_path, tiny_models_dir, keys=keys)
    try:
        headers = []
        if keys:
            _, secret = KeyStore(load_settings(config, environ={}).store_path).create("schemathesis")
            headers = ["-H", f"Authorization: Bearer {secret}"]
        result = subprocess.run(
            [str(BIN / "schemathesis"), "--config-file", str(CONFIG), "run", f"{base}/openapi.json",
             "--checks", "all", "--max-examples", str(MAX_EXAMPLES), "--include-path-regex", OWN_OPERATIONS,
             "--seed", "12", "--no-color", *headers],
            cwd=tmp_path, capture_output=True, text=True, timeout=RUN_S)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    (tmp_path / "schemathesis.txt").write_text(result.stdout, encoding="utf-8")
    summary = result.stdout[result.stdout.rfind("SUMMARY"):]
    print(summary)  # the example counts go into the closing note
    assert re.search(r"\d+ generated", result.stdout), summary
    failures = re.findall(r"^_+ [A-Z]+ \S+ _+$|^- ST\d+ .*$|^    Invalid component: .*$", result.stdout, re.M)
    assert result.returncode == 0, "\n".join(f[:200] for f in failures) + "\n" + summary
