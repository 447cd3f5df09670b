"""The real app on a loopback port with the tiny models, shared by a module's client tests."""
from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from service.api.app import create_app
from tests.helpers import make_settings
from tests.service.api.compat.helpers import QUOTA_CHARS, LiveServer


@pytest.fixture(scope="module")
def live_server(tiny_models_dir, tmp_path_factory) -> Iterator[LiveServer]:
    """create_app on the tiny models, keys required, served by werkzeug on 127.0.0.1."""
    tmp = tmp_path_factory.mktemp("compat")
    settings = make_settings(tmp, models_dir=str(tiny_models_dir),
                             http={"api_keys_required": True, "rate_limit": "100000/minute",
                                   "batch_max_wait_ms": 1})
    app = create_app(settings)
    keys = app.extensions["briefs.keys"]
    _, key = keys.create("desk")
    _, small_key = keys.create("small", char_quota=QUOTA_CHARS)
    revoked, revoked_key = keys.create("gone")
    keys.revoke(revoked.id)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="compat-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", key, small_key, revoked_key)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["briefs.documents"].shutdown()
