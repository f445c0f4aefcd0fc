from click.testing import CliRunner

from fabrique.cli import main


def test_help_lists_the_main_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "serve", "worker", "createadmin", "gtfs", "geocoder"):
        assert command in result.output


def _option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def test_serve_runs_threaded_workers_unless_told_one_thread():
    from fabrique.cli import gunicorn_args

    threaded = gunicorn_args(
        bind="127.0.0.1:8000", workers=2, threads=4, timeout=30, debug=False
    )
    assert _option(threaded, "--worker-class") == "gthread"
    assert _option(threaded, "--threads") == "4"
    assert _option(threaded, "--workers") == "2"
    assert _option(threaded, "--access-logfile") == "/dev/null"
    plain = gunicorn_args(
        bind="0.0.0.0:80", workers=3, threads=1, timeout=60, debug=True
    )
    assert _option(plain, "--worker-class") == "sync"
    assert _option(plain, "--timeout") == "60"
    assert _option(plain, "--access-logfile") == "-"


def test_serve_takes_its_processes_and_threads_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("WEB_THREADS", "6")
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "WEB_THREADS" in result.output
    import click

    command = main.get_command(click.Context(main), "serve")
    assert command is not None
    context = click.Context(command)
    defaults = {param.name: param.get_default(context) for param in command.params}
    assert defaults["workers"] == 3
    assert defaults["threads"] == 6


def test_serve_refuses_zero_threads():
    result = CliRunner().invoke(main, ["serve", "--threads", "0", "--no-migrate"])
    assert result.exit_code == 2
    assert "--threads" in result.output
