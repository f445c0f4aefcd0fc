"""The portal as an operator runs it: ``fabrique serve`` and ``fabrique worker``.

Shared by the production tests (``conftest.py`` of this folder) and the load
and fault benchmark (``benchmarks/load/``); nothing here depends on pytest.

Each instance gets its own PostgreSQL database (created on the server of a
``DATABASE_URL``, dropped afterwards), its own data folder and a free loopback
port; with the ``rq`` queue it uses a ``REDIS_URL`` (its queue is emptied
first). The processes run with ``FABRIQUE_ENV=production``.

``FABRIQUE_SMOKE_WORKER`` replaces the worker's command line (arguments after
``fabrique``), e.g. ``"manage rqworker default"`` to show that a worker
started without django-tasks-rq's job class fails the smoke test;
``FABRIQUE_TEST_PORTS`` (``first-last``) the ports servers may take.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx


def port_range(text: str) -> range:
    """``"18150-18199"`` as a range (both ends included)."""
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


#: The loopback ports servers may take (``FABRIQUE_TEST_PORTS`` changes them).
PORTS = port_range(os.environ.get("FABRIQUE_TEST_PORTS", "18150-18199"))


class Unavailable(RuntimeError):
    """A service the instance needs is not configured (no server to use)."""


class Failed(AssertionError):
    """A command failed, or something was not done within its bound."""


def free_port(ports: range = PORTS) -> int:
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


def wait_for(
    what: str, check: Callable[[], Any], *, within: float, every: float = 0.5
) -> Any:
    """Call ``check`` until it returns something truthy; fail after ``within`` s."""
    deadline = time.monotonic() + within
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(every)
    raise Failed(f"{what}: not done within {within:.0f} s (last seen: {last!r})")


def postgres_url(url: str | None = None) -> str:
    """``url``, or ``DATABASE_URL``: a PostgreSQL server's address."""
    url = os.environ.get("DATABASE_URL", "") if url is None else url
    if not url.startswith(("postgres://", "postgresql://")):
        raise Unavailable("needs DATABASE_URL=postgres://… (a server)")
    return url


def redis_url(url: str | None = None) -> str:
    url = os.environ.get("REDIS_URL", "") if url is None else url
    if not url:
        raise Unavailable("the RQ variant needs REDIS_URL=redis://…")
    return url


def _admin_sql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)


@contextlib.contextmanager
def fresh_database(base: str | None = None) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of ``base``."""
    base = postgres_url(base)
    parts = urlsplit(base)
    name = f"{parts.path.strip('/') or 'fabrique'}_prod_{secrets.token_hex(4)}"
    _admin_sql(base, f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        _admin_sql(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def empty_rq_queue(redis_url: str) -> None:
    """Drop what an earlier run left in the ``default`` queue and registries."""
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(redis_url)
    queue = Queue("default", connection=connection)
    queue.empty()
    for registry in (
        queue.scheduled_job_registry,
        queue.started_job_registry,
        queue.deferred_job_registry,
    ):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)


@dataclass
class Instance:
    """A running portal: its address, environment and processes."""

    url: str
    env: dict[str, str]
    folder: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    # One per token, closed at the end: the server keeps connections alive.
    clients: dict[str | None, httpx.Client] = field(default_factory=dict)

    def fabrique(self, *args: str, timeout: float = 180) -> str:
        """Run a ``fabrique`` command in this instance's environment."""
        done = subprocess.run(
            [sys.executable, "-m", "fabrique", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode:
            raise Failed(f"fabrique {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def start(self, name: str, *args: str, **extra_env: str) -> None:
        with (self.folder / f"{name}.log").open("ab") as log:
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "fabrique", *args],
                env={**self.env, **extra_env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: a kill takes its children
            )

    def start_worker(self, **extra_env: str) -> None:
        command = os.environ.get("FABRIQUE_SMOKE_WORKER", "worker")
        self.start("worker", *shlex.split(command), **extra_env)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the process and its children (its group)."""
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop(self) -> None:
        for client in self.clients.values():
            client.close()
        self.clients.clear()
        for name in list(self.processes):
            self.kill(name, signal.SIGTERM)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text("utf-8", "replace")[-4000:] if path.exists() else ""

    def client(self, token: str | None = None) -> httpx.Client:
        """The instance's HTTP client for ``token`` (anonymous without)."""
        if token not in self.clients:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            self.clients[token] = httpx.Client(
                base_url=self.url, headers=headers, timeout=30
            )
        return self.clients[token]

    def token(self, username: str) -> str:
        """An administrator ``username`` and a new API token of theirs."""
        self.env["FABRIQUE_ADMIN_PASSWORD"] = secrets.token_urlsafe(18)
        self.fabrique(
            "createadmin", "--username", username, "--email", f"{username}@example.org"
        )
        code = (
            "from fabrique.accounts.models import ApiToken, User;"
            f"user = User.objects.get(username={username!r});"
            "print(ApiToken.issue(user, 'smoke')[1])"
        )
        return self.fabrique("manage", "shell", "-c", code).strip().splitlines()[-1]


def production_env(
    folder: Path, database_url: str, queue: str, redis: str | None = None
) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FABRIQUE_", "DJANGO_", "PYTEST", "TASKS_"))
        and key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}
    }
    env.update(
        FABRIQUE_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        FABRIQUE_DATA_DIR=str(folder / "data"),
        PYTHONUNBUFFERED="1",
    )
    if queue == "rq":
        redis = redis_url(redis)
        empty_rq_queue(redis)
        env["REDIS_URL"] = redis
    return env


@contextlib.contextmanager
def running(
    folder: Path,
    queue: str,
    *,
    worker: bool = True,
    database: str | None = None,
    redis: str | None = None,
    ports: range = PORTS,
    prepare: Callable[[Instance], None] | None = None,
    **settings: str,
) -> Iterator[Instance]:
    """Migrate a fresh database, then run ``fabrique serve`` (and the worker).

    ``database`` and ``redis`` default to ``DATABASE_URL`` and ``REDIS_URL``;
    ``prepare`` runs on the migrated database before the processes start.
    """
    with fresh_database(database) as database_url:
        port = free_port(ports)
        instance = Instance(
            url=f"http://127.0.0.1:{port}",
            env={**production_env(folder, database_url, queue, redis), **settings},
            folder=folder,
        )
        instance.fabrique("manage", "migrate", "-v0")
        if prepare is not None:
            prepare(instance)
        try:
            instance.start("serve", "serve", "--bind", f"127.0.0.1:{port}")
            if worker:
                instance.start_worker()

            def home() -> bool:
                if instance.processes["serve"].poll() is not None:
                    raise Failed(f"fabrique serve exited:\n{instance.log('serve')}")
                try:
                    return httpx.get(instance.url + "/", timeout=5).status_code == 200
                except httpx.HTTPError:
                    return False

            wait_for("the home page", home, within=90)
            yield instance
        finally:
            instance.stop()
