"""``python -m service serve``: builds the app from settings and runs werkzeug threaded on the given address."""
from __future__ import annotations

import flask


def test_serve_runs_the_app_on_the_given_address(run_cli, monkeypatch):
    calls = []
    monkeypatch.setattr(flask.Flask, "run", lambda self, **kw: calls.append((self.name, kw)))
    code, _, _ = run_cli("serve", "--host", "127.0.0.1", "--port", "8123", "--no-preload")
    assert code == 0
    name, kwargs = calls[0]
    assert name == "service.api"
    assert (kwargs["host"], kwargs["port"], kwargs["threaded"], kwargs["debug"]) == ("127.0.0.1", 8123, True, False)


def test_serve_defaults_come_from_settings(run_cli, monkeypatch):
    calls = []
    monkeypatch.setattr(flask.Flask, "run", lambda self, **kw: calls.append(kw))
    assert run_cli("serve", "--no-preload")[0] == 0
    assert (calls[0]["host"], calls[0]["port"]) == ("127.0.0.1", 8000)
