"""The acceptance path on the real Paris BAN and Aveyron BANO files."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from fabrique.cli import main
from fabrique.geocoder.index import Index

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_index(shared_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("real") / "index"
    runner = CliRunner()
    addresses = shared_data / "addresses"
    for fmt, name in (("ban", "ban_adresses-75.csv.gz"), ("bano", "bano-12.csv")):
        result = runner.invoke(
            main,
            ["geocoder", "--index", str(folder), "index", fmt, str(addresses / name)],
        )
        assert result.exit_code == 0, result.output
    return folder


def test_cli_finds_a_paris_address_from_an_abbreviated_query(real_index):
    result = CliRunner().invoke(
        main, ["geocoder", "--index", str(real_index), "search", "12 r de rivoli paris"]
    )
    assert result.exit_code == 0
    assert "12 Rue de Rivoli 75004 Paris" in result.output.splitlines()[0]


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("8 bd haussman paris", "8 Boulevard Haussmann 75009 Paris"),
        ("1 place de la concorde", "1 Place de la Concorde 75001 Paris"),
        ("rodez", "Rodez"),
        ("3 av de millau requista", "3 Avenue de Millau 12170 Réquista"),
    ],
)
def test_real_queries(real_index, query, label):
    with Index.open(real_index) as index:
        assert index.search(query, limit=1)[0].label == label


def test_every_source_is_listed(real_index):
    with Index.open(real_index) as index:
        counts = {s["source"]: s["housenumbers"] for s in index.sources()}
    assert counts == {"ban_adresses-75": 158_048, "bano-12": 53_335}
