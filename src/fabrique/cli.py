"""The ``fabrique`` command: run the portal, its worker and its engines.

Each brick adds its own sub-command group (``fabrique gtfs``, ``fabrique
geocoder`` …); they are imported only when called, so ``fabrique --help``
stays fast and an engine's command works without Django.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import click

# name -> "module:attribute" of a click command or group, loaded on first use.
LAZY_COMMANDS: dict[str, str] = {
    "gtfs": "fabrique.gtfs.cli:gtfs",
    "geocoder": "fabrique.geocoder.cli:geocoder",
    "gbfs": "fabrique.gbfs.cli:gbfs",
    "netex": "fabrique.netex.cli:netex",
    "standards": "fabrique.standards.cli:standards",
    "badges": "fabrique.credentials.cli:badges",
}


class FabriqueGroup(click.Group):
    """A click group whose engine sub-commands are imported on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._available_lazy()})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None or name not in LAZY_COMMANDS:
            return command
        module_name, attribute = LAZY_COMMANDS[name].split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            return None
        loaded: click.Command = getattr(module, attribute)
        return loaded

    @staticmethod
    def _available_lazy() -> list[str]:
        found = []
        for name, target in LAZY_COMMANDS.items():
            module_name = target.split(":")[0]
            if importlib.util.find_spec(module_name) is not None:
                found.append(name)
        return found


def setup_django() -> None:
    """Configure Django from the environment (the one settings module)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")
    import django

    django.setup()


def _prepare_database(*, verbose: bool) -> None:
    from django.conf import settings
    from django.core.management import call_command

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
    from fabrique.vehicles.services import seed_interface_types

    # The interface types of vehicle modules ship as data (with their
    # knowledge commons): created once, after the tables exist.
    seed_interface_types()


@click.group(
    cls=FabriqueGroup, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(package_name="fabrique")
def main() -> None:
    """Fabrique: the open platform for mobility commons.

    \b
    Start here:
      fabrique demo        try the portal on this machine with demo content
      fabrique serve       run the portal in production (gunicorn)
      fabrique worker      run background tasks (validation, indexing, dumps)

    Configuration comes from environment variables; see the README.
    """


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--reset", is_flag=True, help="Delete the demo database first.")
@click.option("--no-serve", is_flag=True, help="Prepare the demo, do not serve.")
@click.option(
    "--no-worker",
    is_flag=True,
    help="Do not run background tasks here (run `fabrique worker` yourself).",
)
def demo(host: str, port: int, reset: bool, no_serve: bool, no_worker: bool) -> None:
    """Create the database, load the demo content and serve the portal.

    A background worker runs beside the server and stops with it, so
    validations, dataset versions and dumps are processed with nothing else
    to start.
    """
    os.environ.setdefault("DEBUG", "1")
    # The demo serves with Django's own server on purpose: one process, no set-up.
    os.environ.setdefault("DJANGO_RUNSERVER_HIDE_WARNING", "true")
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if reset and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        database = settings.DATABASES["default"]["NAME"]
        for suffix in ("", "-wal", "-shm"):
            path = f"{database}{suffix}"
            if os.path.exists(path):
                os.remove(path)
    _prepare_database(verbose=False)
    from fabrique.catalog.demo import (
        DEMO_ADMIN,
        DEMO_MODERATOR,
        DEMO_PASSWORD,
        DEMO_USERNAME,
        load_demo,
    )

    created = load_demo()
    click.echo("Demo content loaded." if created else "Demo content already there.")
    from fabrique.vehicles.demo import load as load_vehicles_demo

    modules = load_vehicles_demo()
    if modules:
        click.echo(f"Demo vehicles: {modules} modules and their vehicles loaded.")
    from fabrique.places.catalogue import rebuild as index_catalogue_places

    places = index_catalogue_places()
    from fabrique.places.demo import index_addresses
    from fabrique.transport.geocoding import rebuild as index_transport_stops

    addresses = index_addresses()
    stops = index_transport_stops()
    click.echo(
        f"Geocoder: {places} places of the catalogue, {stops} stops and "
        f"{addresses} addresses of the demo towns indexed."
    )
    from fabrique.transport.basemap import ensure_installed

    click.echo(f"Offline base map: {ensure_installed()}.")
    from fabrique.badges.demo import ensure_contexts
    from fabrique.badges.demo import load as load_badges

    click.echo(f"Badge contexts (JSON-LD): {ensure_contexts()}.")
    others = [DEMO_MODERATOR, DEMO_ADMIN, "ines", "thomas"]
    click.echo(f"Badges: {load_badges(DEMO_USERNAME, others)} awarded.")
    from fabrique.projects.dump import build as build_dump

    click.echo(f"Open data: {build_dump().path.name} built for /donnees/.")
    # Browsers refuse passkeys on an IP address: the loopback is shown by
    # name, where the profile page's passkeys work over plain HTTP.
    shown = "localhost" if host in {"127.0.0.1", "::1"} else host
    url = f"http://{shown}:{port}/"
    click.secho(f"\n  Fabrique is running at {url}", fg="green", bold=True)
    click.echo(f"  Demo login: {DEMO_USERNAME} / {DEMO_PASSWORD}")
    click.echo(
        f"  Also {DEMO_MODERATOR} (moderator) and {DEMO_ADMIN} (administrator),"
        " same password"
    )
    click.echo(
        "  Passkeys and an authenticator app can be added on the profile page"
        f" ({url}accounts/profil/)\n"
    )
    if no_serve:
        return
    # The server runs without Django's autoreloader, so this process (and the
    # worker it starts) is never started twice.
    needs_worker = settings.TASKS_BACKEND in WORKER_COMMANDS and not no_worker
    background = start_worker_process() if needs_worker else None
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False, verbosity=0)
    finally:
        if background is not None:
            stop_worker_process(background)


def start_worker_process() -> subprocess.Popen[bytes]:
    """Run ``fabrique worker`` beside this process, with the same settings."""
    return subprocess.Popen([sys.executable, "-m", "fabrique", "worker"])


def stop_worker_process(process: subprocess.Popen[bytes], wait: float = 10) -> None:
    """Ask the worker to finish its task and stop; kill it if it does not."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _cpus() -> int:
    """Processors this process may run on (its affinity, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def gunicorn_args(
    *, bind: str, workers: int, threads: int, timeout: int, debug: bool
) -> list[str]:
    """gunicorn's command line for ``fabrique serve``.

    More than one thread per worker selects gunicorn's threaded worker
    (``gthread``): a worker answers other requests while one waits for the
    database or Redis, and keeps client connections alive between requests;
    one thread is gunicorn's plain synchronous worker.
    """
    return _gunicorn(
        "fabrique.wsgi:application",
        bind=bind,
        workers=workers,
        threads=threads,
        extra=["--timeout", str(timeout)],
        access_log="-" if debug else "/dev/null",
    )


def _gunicorn(
    app: str,
    *,
    bind: str,
    workers: int,
    threads: int,
    extra: list[str],
    access_log: str = "/dev/null",
) -> list[str]:
    """gunicorn's command line: threaded workers when more than one thread."""
    return [
        "gunicorn",
        app,
        *extra,
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--access-logfile",
        access_log,
    ]


@main.command()
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option(
    "--workers",
    default=lambda: int(os.environ.get("WEB_CONCURRENCY") or max(2, _cpus())),
    show_default="WEB_CONCURRENCY, or the number of processors (at least 2)",
    type=click.IntRange(min=1),
    help="Web processes.",
)
@click.option(
    "--threads",
    default=lambda: int(os.environ.get("WEB_THREADS") or 4),
    show_default="WEB_THREADS or 4",
    type=click.IntRange(min=1),
    help="Threads per web process (1: one request at a time per process).",
)
@click.option(
    "--timeout",
    default=30,
    show_default=True,
    type=click.IntRange(min=1),
    help="Seconds of silence after which gunicorn restarts a web process.",
)
@click.option("--migrate/--no-migrate", default=True, show_default=True)
def serve(bind: str, workers: int, threads: int, timeout: int, migrate: bool) -> None:
    """Run the portal with the production server (gunicorn)."""
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if migrate:
        _prepare_database(verbose=False)
    call_command("collectstatic", interactive=False, verbosity=0)
    args = gunicorn_args(
        bind=bind,
        workers=workers,
        threads=threads,
        timeout=timeout,
        debug=settings.DEBUG,
    )
    os.execvp(sys.executable, [sys.executable, "-m", *args])  # noqa: S606


#: How the worker of each queue backend is started (a management command and
#: its options). RQ runs the tasks through django-tasks-rq's job class, and
#: its scheduler for the runs set for later (periodic tasks); its worker class
#: restarts them and queues the tasks kept during an outage, every minute
#: (it waits for jobs 60 s at a time: RQ's dequeue is its time to live - 15).
WORKER_COMMANDS: dict[str, tuple[str, dict[str, Any]]] = {
    "rq": (
        "rqworker",
        {
            "job_class": "django_tasks_rq.Job",
            "worker_class": "fabrique.core.rqworker.Worker",
            "worker_ttl": 75,
            "with_scheduler": True,
        },
    ),
    "database": ("db_worker", {"reload": False}),
}


@main.command()
@click.option("--queue", default="default", show_default=True)
def worker(queue: str) -> None:
    """Run the background worker (database queue, or RQ when REDIS_URL is set)."""
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from fabrique.notifications.periodic import ensure_scheduled
    from fabrique.transport.recovery import recover

    if settings.TASKS_BACKEND not in WORKER_COMMANDS:
        raise click.ClickException(
            f"TASKS_BACKEND={settings.TASKS_BACKEND!r} runs tasks in the web "
            "process: no worker to start."
        )
    command, options = WORKER_COMMANDS[settings.TASKS_BACKEND]
    if command == "db_worker":
        ensure_scheduled()
        recover()
        call_command(command, queue_name=queue, **options)
        return

    def run() -> None:
        ensure_scheduled()
        recover()
        call_command(command, queue, **options)

    _run_rq_worker(run)


#: Seconds ``fabrique worker`` waits before starting RQ's loop again, doubled
#: after each quick failure up to the second figure.
RQ_RESTART_WAIT = (1.0, 30.0)


def _run_rq_worker(run: Callable[[], object]) -> None:
    """Run RQ's worker loop, and run it again whenever it ends unasked.

    RQ's loop quits on a Redis error met outside waiting for a job, and
    ``rqworker`` exits when Redis cannot be reached at start: both would leave
    the site without a worker until someone restarts it. Stopping on request
    (SIGTERM, Ctrl-C, RQ's shutdown command) ends it as before.
    """
    from redis.exceptions import RedisError

    from fabrique.core import rqworker

    wait = RQ_RESTART_WAIT[0]
    while True:
        started = time.monotonic()
        try:
            run()
        except (RedisError, SystemExit) as exc:
            if rqworker.stopped_on_request():
                raise
            reason = f"{type(exc).__name__}: {exc}"
        else:
            if rqworker.stopped_on_request():
                return
            reason = "the worker loop ended unasked (Redis unreachable?)"
        if time.monotonic() - started > 2 * RQ_RESTART_WAIT[1]:
            wait = RQ_RESTART_WAIT[0]
        click.echo(f"{reason}; starting the worker again in {wait:.0f} s", err=True)
        # RQ's signal handlers belong to the worker that ended.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        time.sleep(wait)
        wait = min(wait * 2, RQ_RESTART_WAIT[1])


@main.command()
@click.option("--username", prompt=True)
@click.option("--email", prompt=True)
@click.password_option(envvar="FABRIQUE_ADMIN_PASSWORD")
def createadmin(username: str, email: str, password: str) -> None:
    """Create an administrator account (or promote an existing one)."""
    setup_django()
    _prepare_database(verbose=False)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    user_model: Any = get_user_model()
    try:
        validate_password(password)
    except ValidationError as exc:
        raise click.ClickException(" ".join(exc.messages)) from exc
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"email": email}
    )
    user.email = email
    user.is_staff = user.is_superuser = True
    user.role = user_model.Role.ADMIN
    user.charter_accepted_at = user.charter_accepted_at or timezone.now()
    user.set_password(password)
    user.save()
    click.echo(f"{'Created' if created else 'Updated'} administrator {username}.")


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the archive here instead of the one the /donnees/ page serves.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
@click.option(
    "--background",
    is_flag=True,
    help="Ask the worker to rebuild the archive /donnees/ serves, and return.",
)
def dump(output: str | None, as_json: bool, background: bool) -> None:
    """Export everything public as CSV and JSON-LD in one zip (open data)."""
    setup_django()
    if background:
        from fabrique.core import queue
        from fabrique.projects.dump import rebuild_dump

        if queue.enqueue(rebuild_dump):
            click.echo("Rebuild of the open data archive queued.")
        else:
            click.echo(
                "The task queue does not answer: the rebuild is kept and queued "
                "by the worker once it does."
            )
        return
    import json
    from pathlib import Path

    from fabrique.projects.dump import DumpError, build

    try:
        info = build(Path(output) if output else None)
    except DumpError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(
            json.dumps(
                {
                    "path": str(info.path),
                    "size": info.size,
                    "created": info.created.isoformat(),
                    "licence": info.licence,
                    "counts": info.counts,
                }
            )
        )
        return
    rows = sum(info.counts.values())
    click.echo(
        f"Wrote {info.path} ({info.size:,} bytes, {rows:,} rows, {info.licence})."
    )


def geocoder_serve_args(*, bind: str, workers: int, threads: int) -> list[str]:
    """gunicorn's command line for ``fabrique geocoder-serve``.

    The application (``fabrique.geocoder_wsgi``) is loaded once, index
    opened, before the workers are forked (``--preload``): they share its
    memory. The search is computing, not waiting: one thread per worker
    (gunicorn's synchronous worker) unless told otherwise.
    """
    return _gunicorn(
        "fabrique.geocoder_wsgi:application",
        bind=bind,
        workers=workers,
        threads=threads,
        extra=["--preload"],
    )


@main.command("geocoder-serve")
@click.option("--bind", default="127.0.0.1:8001", show_default=True)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--threads",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Threads per process (more than one: gunicorn's threaded worker).",
)
def geocoder_serve(bind: str, workers: int, threads: int) -> None:
    """Serve the geocoder alone, as Addok does: /search/ and /reverse/.

    No database, no pages: Django's settings and the index only (set
    FABRIQUE_GEOCODER_INDEX). The portal (``fabrique serve``) answers the
    same routes, and the API's, on the same lean path.
    """
    args = geocoder_serve_args(bind=bind, workers=workers, threads=threads)
    os.execvp(sys.executable, [sys.executable, "-m", *args])  # noqa: S606


@main.command(
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True}
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (migrate, shell, …)."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fabrique manage", *args])


if __name__ == "__main__":  # pragma: no cover
    main()
