"""The real thing, as an operator runs it: ``fabrique serve`` and ``fabrique worker``.

Each instance gets its own PostgreSQL database (created from ``DATABASE_URL``
on the same server, dropped afterwards), its own data folder and a free
loopback port; with the ``rq`` queue it uses ``REDIS_URL`` (its queue is
emptied first). The processes run with ``FABRIQUE_ENV=production``.

``FABRIQUE_SMOKE_WORKER`` replaces the worker's command line (arguments after
``fabrique``), e.g. ``"manage rqworker default"`` to show that a worker
started without django-tasks-rq's job class fails the smoke test.

Run with ``pytest -m production -n 0 tests/production`` and both variables set.
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
import pytest

PORTS = range(18150, 18200)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18150-18199")


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
    pytest.fail(f"{what}: not done within {within:.0f} s (last seen: {last!r})")


def _postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("production tests need DATABASE_URL=postgres://… (a server)")
    return url


def _admin_sql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on DATABASE_URL's server."""
    base = _postgres_url()
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
            pytest.fail(f"fabrique {' '.join(args)} failed:\n{done.stderr[-3000:]}")
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
        for name in list(self.processes):
            self.kill(name, signal.SIGTERM)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text("utf-8", "replace")[-4000:] if path.exists() else ""

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

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


def production_env(folder: Path, database_url: str, queue: str) -> dict[str, str]:
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
        redis_url = os.environ.get("REDIS_URL", "")
        if not redis_url:
            pytest.skip("the RQ variant needs REDIS_URL=redis://…")
        empty_rq_queue(redis_url)
        env["REDIS_URL"] = redis_url
    return env


@contextlib.contextmanager
def running(
    folder: Path, queue: str, *, worker: bool = True, **settings: str
) -> Iterator[Instance]:
    """Migrate a fresh database, then run ``fabrique serve`` (and the worker)."""
    with fresh_database() as database_url:
        port = free_port()
        instance = Instance(
            url=f"http://127.0.0.1:{port}",
            env={**production_env(folder, database_url, queue), **settings},
            folder=folder,
        )
        instance.fabrique("manage", "migrate", "-v0")
        try:
            instance.start("serve", "serve", "--bind", f"127.0.0.1:{port}")
            if worker:
                instance.start_worker()

            def home() -> bool:
                if instance.processes["serve"].poll() is not None:
                    pytest.fail(f"fabrique serve exited:\n{instance.log('serve')}")
                try:
                    return httpx.get(instance.url + "/", timeout=5).status_code == 200
                except httpx.HTTPError:
                    return False

            wait_for("the home page", home, within=90)
            yield instance
        finally:
            instance.stop()


@pytest.fixture(params=["rq", "database"])
def queue(request: pytest.FixtureRequest) -> str:
    return str(request.param)
