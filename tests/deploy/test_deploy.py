"""deploy/: the systemd units and the compose file say what docs/RELIABILITY.md promises: restart on failure,
each instance its own gunicorn control socket (or none), the service with PostgreSQL, Redis and the worker."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _unit(name: str) -> dict[str, list[str]]:
    """Every key of a systemd unit with all its values (Environment= repeats)."""
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), []).append(value.strip())
    return values


@pytest.mark.parametrize("name", ["briefs@.service", "briefs-worker.service"])
def test_units_restart_on_failure(name):
    unit = _unit(name)
    assert unit["Restart"] == ["on-failure"]
    assert unit["ExecStart"][0].startswith("/opt/briefs/.venv/bin/")


def test_each_http_instance_has_its_own_port_and_control_socket():
    environment = _unit("briefs@.service")["Environment"]
    assert "BRIEFS_HTTP_PORT=%i" in environment
    assert "BRIEFS_HTTP_CONTROL_SOCKET=/run/briefs/%i.ctl" in environment


def test_the_worker_units_command_exists():
    """The command the worker unit and container run is a real one (``python -m service worker --help``)."""
    from service.cli import build_parser

    command = _unit("briefs-worker.service")["ExecStart"][0].split()
    assert command[1:4] == ["-m", "service", "worker"]
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([*command[3:], "--help"])
    assert done.value.code == 0


def test_compose_runs_the_service_postgresql_redis_and_the_worker():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"api", "worker", "postgres", "redis"}
    assert all(s["restart"] == "on-failure" for s in services.values())
    api, worker = services["api"], services["worker"]
    assert api["environment"]["BRIEFS_HTTP_CONTROL_SOCKET"] == "none"
    assert api["environment"]["BRIEFS_STORE_URL"].startswith("postgresql://")
    assert api["environment"]["BRIEFS_HTTP_RATE_LIMIT_STORAGE"].startswith("redis://redis")
    assert worker["command"][:4] == ["python", "-m", "service", "worker"]
    assert api["environment"]["BRIEFS_DOCUMENTS_WORKERS"] == "0"  # documents and jobs run in the worker
    assert api["environment"]["BRIEFS_JOBS_WORKER_THREADS"] == "0"
    assert worker["environment"]["BRIEFS_STORE_URL"] == api["environment"]["BRIEFS_STORE_URL"]
    assert {"postgres", "redis"} <= set(api["depends_on"])
