"""schemathesis against gunicorn on 127.0.0.1 (tiny models), keys on and keys off: every check, 0 failures.

Covers every operation in /openapi.json: the service's own API (/v1, health, metrics) and the DeepL-
(/v2, /v3) and LibreTranslate-compatible doors, which document their peers' shapes
(service/api/compat/openapi.py). Settings for refusals that depend on data rather than on the
schema are in schemathesis.toml, each with its reason.

The run with keys on (production's setting, an admin key so writes to shared data are reached too)
uses schemathesis' default of 100 examples per operation; the run with keys off repeats it more
briefly. The rate limit is raised for the run (tests.servers.start_gunicorn), so no operation hides
behind 429s. ``SCHEMATHESIS_MAX_EXAMPLES`` overrides both counts for a longer run by hand.
"""
from __future__ import annotations

import os
import re
import subprocess

import pytest

from service.settings import load_settings
from service.storage.keys import KeyStore
from tests.servers import BIN, running_gunicorn

pytestmark = pytest.mark.slow

CONFIG = os.path.join(os.path.dirname(__file__), "schemathesis.toml")
EXAMPLES = {True: 100, False: 10}  # per operation, keys on (schemathesis' default) and off
RUN_S = 1500


def max_examples(keys: bool) -> int:
    return int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", EXAMPLES[keys]))


@pytest.mark.parametrize("keys", [True, False], ids=["keys-on", "keys-off"])
def test_schemathesis_all_checks_pass_on_every_operation(tiny_models_dir, tmp_path, keys):
    with running_gunicorn(tmp_path, tiny_models_dir, http={"api_keys_required": keys}) as server:
        headers = []
        if keys:
            store = KeyStore(load_settings(server.config, environ={}).store_path)
            _, secret = store.create("schemathesis", role="admin")
            headers = ["-H", f"Authorization: Bearer {secret}"]
        result = subprocess.run(
            [str(BIN / "schemathesis"), "--config-file", CONFIG, "run", f"{server.base}/openapi.json",
             "--checks", "all", "--max-examples", str(max_examples(keys)), "--seed", "12", "--no-color",
             *headers], cwd=tmp_path, capture_output=True, text=True, timeout=RUN_S)
    (tmp_path / "schemathesis.txt").write_text(result.stdout, encoding="utf-8")
    summary = result.stdout[result.stdout.rfind("SUMMARY"):]
    print(summary)  # the example counts go into the closing note
    assert re.search(r"\d+ generated", result.stdout), summary
    selected = re.search(r"Selected: (\d+)/(\d+)", summary)
    assert selected, summary
    assert selected.group(1) == selected.group(2), summary  # every operation, none filtered out
    failures = re.findall(r"^_+ [A-Z]+ \S+ _+$|^- ST\d+ .*$|^    Invalid component: .*$", result.stdout, re.M)
    assert result.returncode == 0, "\n".join(f[:200] for f in failures) + "\n" + summary
