from __future__ import annotations

import pytest

import service.cli
from tests.helpers import make_settings


@pytest.fixture
def run_cli(tmp_path, monkeypatch, capsys):
    """Run ``python -m service ARGS`` in-process on isolated settings; returns (code, out, err)."""

    def load(config_path=None, overrides=None, environ=None):
        return make_settings(tmp_path, **(overrides or {}))

    monkeypatch.setattr(service.cli, "load_settings", load)

    def run(*args: str, stdin: bytes | None = None):
        if stdin is not None:
            import io
            import sys

            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        code = service.cli.main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
