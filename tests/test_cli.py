from click.testing import CliRunner

from fabrique.cli import main


def test_help_lists_the_main_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "serve", "worker", "createadmin", "gtfs", "geocoder"):
        assert command in result.output
