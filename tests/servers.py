"""Servers for the tests: gunicorn (the service), PostgreSQL and Redis, on 127.0.0.1, stopped at the end.

Both come from Debian's packages (`.ci/run` installs ``postgresql`` and ``redis-server``); a test that
needs one is skipped, with the reason, only when its binaries are absent. PostgreSQL refuses to run
as root, so as root the cluster belongs to the ``postgres`` user (``runuser -u postgres --``), in a
directory of its own under /tmp (pytest's temporary folders are private to root).
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

START_S = 60  # bound on every wait for a server
GUNICORN_START_S = 120  # a worker loads the tiny models before it answers
REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_USER = "briefs"
TEST_DATABASE = "briefs_tests"
PG_SKIP = "PostgreSQL binaries (initdb, pg_ctl) not installed; .ci/run installs Debian's postgresql"
REDIS_SKIP = "redis-server not installed; .ci/run installs Debian's redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bin(name: str) -> str | None:
    """A PostgreSQL server binary: on PATH, else the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    return str(candidates[-1]) if candidates else None


@dataclass
class PostgresServer:
    """One throwaway cluster; ``new_database()`` gives each test a database of its own."""

    root: Path
    port: int
    pg_ctl: str
    as_user: list[str]

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = START_S) -> None:
        subprocess.run([*self.as_user, *args], check=True, timeout=timeout, capture_output=True)

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run(self.pg_ctl, "start", "-D", str(self.data), "-w", "-t", str(START_S), "-o", options,
                  "-l", str(self.root / "server.log"))

    def stop(self, mode: str = "fast") -> None:
        self._run(self.pg_ctl, "stop", "-D", str(self.data), "-m", mode, "-w", "-t", str(START_S))

    def _admin(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={PG_USER} dbname={database}",
                             autocommit=True, connect_timeout=10) as conn:
            conn.execute(statement)  # type: ignore[arg-type]  # our own literal DDL

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL (a whole database: for tests that need one)."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def new_schema(self) -> str:
        """A fresh, empty schema in the shared test database, as the URL's search_path (instant,
        where a database per test costs half a second)."""
        name = f"s_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE SCHEMA "{name}"', TEST_DATABASE)
        return f"{self.url(TEST_DATABASE)}?options=-csearch_path%3D{name}"

    def drop(self, url: str) -> None:
        """Drop a test's schema or database, closing what still uses it."""
        if "search_path%3D" in url:
            self._admin(f'DROP SCHEMA IF EXISTS "{url.rsplit("%3D", 1)[1]}" CASCADE', TEST_DATABASE)
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def start_postgres() -> PostgresServer:
    """initdb + pg_ctl start on a free loopback port; sockets and data in a fresh temp dir."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip(PG_SKIP)
    root = Path(tempfile.mkdtemp(prefix="briefs-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run PostgreSQL as")
        os.chown(root, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    server = PostgresServer(root=root, port=free_port(), pg_ctl=pg_ctl, as_user=as_user)
    server._run(initdb, "-D", str(server.data), "-U", PG_USER, "-A", "trust", "-E", "UTF8", "--locale=C",
                "--no-sync")
    server.start()
    server._admin(f"CREATE DATABASE {TEST_DATABASE}")
    return server


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def flush(self) -> None:
        import redis

        redis.Redis.from_url(self.url).flushall()


def start_redis(root: Path) -> RedisServer:
    """redis-server in the foreground as a child process, no persistence, loopback only."""
    binary = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists()
                                              else None)
    if binary is None:
        pytest.skip(REDIS_SKIP)
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--daemonize", "no", "--dir", str(root)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + START_S
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return RedisServer(port=port, process=process)
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"redis-server did not start on port {port}")
        time.sleep(0.05)


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL cluster of its own, stopped (even if a test already stopped it) at the end."""
    server = start_postgres()
    try:
        yield server
    finally:
        with suppress(subprocess.SubprocessError, OSError):  # already stopped
            server.stop("immediate")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL cluster for the session."""
    with running_postgres() as server:
        yield server
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL store for one test (its own schema), dropped after it."""
    url = postgres_server.new_schema()
    yield url
    postgres_server.drop(url)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One Redis for the session (no persistence), terminated at the end."""
    server = start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on both backends: a fresh SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'store.sqlite3'}"
    return request.getfixturevalue("postgres_url")


# -- gunicorn ----------------------------------------------------------------------------------------

def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value))  # a JSON string is a TOML basic string


@dataclass
class GunicornServer:
    """The service under gunicorn (config/gunicorn.conf.py) with its own settings file and log."""

    process: subprocess.Popen[bytes]
    base: str
    config: Path
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_answering(self, path: str = "/healthz", timeout_s: float = GUNICORN_START_S) -> None:
        """Until ``path`` answers 200 (``/readyz``: the models are loaded); fails with the log otherwise."""
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=5) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.HTTPError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"gunicorn: {path} not answering 200 in {timeout_s:.0f}s:\n{self.log_text()}")
            time.sleep(0.25)

    def stop(self) -> None:
        """SIGTERM (graceful), SIGKILL when that takes longer than 30 s."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_gunicorn(root: Path, models_dir: Path, *, name: str = "serve", ready_path: str | None = "/healthz",
                   settings: Mapping[str, object] | None = None, http: Mapping[str, object] | None = None,
                   tables: Mapping[str, Mapping[str, object]] | None = None,
                   command_prefix: Sequence[str] = ()) -> GunicornServer:
    """gunicorn on a free loopback port, settings from ``root/<name>.toml``, log in ``root/<name>.log``.

    ``settings`` are top-level settings (a dict value is a table, e.g. ``documents``), ``http`` the
    ``[http]`` table and ``tables`` other tables (``{"jobs": {...}}``), over these defaults: the
    tiny models in ``models_dir``, an SQLite store in ``root``, no hub, one worker, rate limits out of
    the way. Waits until ``ready_path`` answers 200 (None: does not wait). ``command_prefix`` runs
    gunicorn under another command (e.g. ``setpriv``).
    """
    port = free_port()
    top = {"models_dir": str(models_dir), "store_path": str(root / f"{name}.sqlite3"), "auto_pull": False,
           **(settings or {})}
    table = {"host": "127.0.0.1", "port": port, "workers": 1, "threads": 8, "rate_limit": "1000000/minute",
             "timeout_s": 120, "graceful_timeout_s": 5, **(http or {})}
    config = root / f"{name}.toml"
    sections = {"http": table, **{k: v for k, v in top.items() if isinstance(v, Mapping)}, **(tables or {})}
    config.write_text("".join(f"{k} = {_toml_value(v)}\n" for k, v in top.items() if not isinstance(v, Mapping))
                      + "".join(f"[{section}]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in values.items())
                                for section, values in sections.items()), encoding="utf-8")
    env = {"BRIEFS_CONFIG": str(config), "PATH": str(BIN), "HOME": str(root), "PYTHONPATH": str(REPO)}
    log = root / f"{name}.log"
    with log.open("w") as out:
        command = [*command_prefix, str(BIN / "gunicorn"), "wsgi:app", "-c", "config/gunicorn.conf.py"]
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = GunicornServer(process=process, base=f"http://127.0.0.1:{table['port']}", config=config, log=log)
    if ready_path is not None:
        server.wait_answering(ready_path)
    return server


@contextmanager
def running_gunicorn(root: Path, models_dir: Path, **options: Any) -> Iterator[GunicornServer]:
    """:func:`start_gunicorn`, stopped at the end however the block ends."""
    server = start_gunicorn(root, models_dir, **options)
    try:
        yield server
    finally:
        server.stop()
