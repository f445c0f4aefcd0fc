"""The open data dump: everything public, nothing private, readable by spreadsheets."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from fabrique.cli import main as cli
from fabrique.community.models import Challenge, Experiment, Feedback
from fabrique.csvcells import FORMULA_STARTS
from fabrique.projects import dump
from fabrique.projects.models import Contribution, Expense, Funding, Project
from tests.catalog.factories import make_actor, make_commons, make_user
from tests.community.factories import make_challenge

pytestmark = pytest.mark.django_db

TRICKY = 'Vélos, "cargo" et\nremorques; 100 % libres'
SECRETS = (
    "Dépense-Cachée",
    "camille.secret@example.org",
    "0612345678",
    "Dominique-Privée",
    "Lenom-Privé",
    "Ville-Secrète",
    "Commun-Caché",
    "Acteur-Caché",
    "Défi-Caché",
    "Financement-Caché",
    "Retour-Caché",
    "Contribution-En-Attente",
    "jeton-xyz",
    "pbkdf2_sha256",
    "md5$",
)


@pytest.fixture
def world():
    person = make_user(
        "camille",
        email="camille.secret@example.org",
        phone="0612345678",
        first_name="Dominique-Privée",
        last_name="Lenom-Privé",
        city="Ville-Secrète",
        show_city=False,
        display_name="Camille Vélo",
        skills=["réparation vélo"],
    )
    commons = make_commons(user=person, title="Cargo libre", description=TRICKY)
    hidden = make_commons(user=person, title="Commun-Caché")
    hidden.hidden = True
    hidden.save()
    actor = make_actor(user=person, name="Atelier ouvert")
    hidden_actor = make_actor(user=person, name="Acteur-Caché")
    hidden_actor.hidden = True
    hidden_actor.save()
    challenge = make_challenge(title="Dix vélos cargo")
    secret_challenge = make_challenge(title="Défi-Caché")
    Challenge.objects.filter(pk=secret_challenge.pk).update(hidden=True)
    experiment = Experiment.objects.create(
        challenge=challenge, title="Essai", place_name="Lyon", lat=45.7, lon=4.8,
        starts=date(2026, 9, 1), ends=date(2026, 9, 30), protocol="Prêter.",
    )  # fmt: skip
    Feedback.objects.create(experiment=experiment, author=person, body="Très bien")
    Feedback.objects.create(
        experiment=experiment, author=person, body="Retour-Caché", hidden=True
    )
    Contribution.objects.create(
        contributor=person, kind="code", commons=commons,
        description="Contribution-En-Attente",
    )  # fmt: skip
    Contribution.objects.create(
        contributor=person, kind="data", commons=commons, description="=SUM(A1:A9)",
        status="confirmed", confirmed_at=timezone.now(),
        confirmed_by=make_user("holder", display_name="Dominique Garde"),
    )  # fmt: skip
    project = Project.objects.create(
        name="Cargo Express", slug="cargo-express", kind="startup", actor=actor
    )
    project.uses.set([commons, hidden])
    grant = Funding.objects.create(
        funder=actor, commons=commons, kind="grant", amount=1200, purpose="Serveur",
        date=date(2026, 9, 1), acknowledged_at=timezone.now(),
        acknowledged_by=make_user("tresoriere", display_name="Trésorière Commune"),
    )  # fmt: skip
    Expense.objects.create(
        grant=grant, amount=300, date=date(2026, 9, 15), purpose="Hébergement",
        receipt_url="https://factures.example.org/42",
    )  # fmt: skip
    Expense.objects.create(
        grant=grant, amount=50, date=date(2026, 9, 16), purpose="Dépense-Cachée",
        receipt_url="https://factures.example.org/43", hidden=True,
    )  # fmt: skip
    Funding.objects.create(
        funder=actor, commons=commons, kind="grant", amount=99,
        purpose="Financement-Caché", date=date(2026, 9, 2), hidden=True,
    )  # fmt: skip
    from fabrique.accounts.models import ApiToken

    ApiToken.objects.create(
        user=person, name="jeton-xyz", key_hash="a" * 64, prefix="fab_x"
    )
    return {"person": person, "commons": commons, "challenge": challenge}


def read(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    text = files[f"csv/{name}.csv"].decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_no_private_field_nor_hidden_object_is_anywhere_in_the_archive(world, tmp_path):
    info = dump.build(tmp_path / "dump.zip")
    files = read(info.path)
    everything = b"\n".join(files.values()).decode("utf-8", errors="replace")
    for secret in SECRETS:
        assert secret not in everything, secret
    # What is public is there: the person by their public name.
    assert "Camille Vélo" in everything
    assert "Cargo libre" in everything
    assert "Très bien" in everything


def test_every_csv_reads_back_with_its_header_and_a_tricky_cell(world, tmp_path):
    files = read(dump.build(tmp_path / "dump.zip").path)
    assert files["csv/commons.csv"].startswith(b"\xef\xbb\xbf")  # BOM for Excel
    commons = rows(files, "commons")
    assert list(commons[0]) == list(dump.TABLES[0].columns)
    (cargo,) = [row for row in commons if row["title"] == "Cargo libre"]
    assert cargo["description"] == TRICKY
    assert cargo["tags"] == "vélo | gbfs"
    for table in dump.TABLES:
        read_back = rows(files, table.name)
        header = files[f"csv/{table.name}.csv"].decode("utf-8-sig").split("\r\n")[0]
        assert header.split(",") == list(table.columns)
        assert all(len(row) == len(table.columns) for row in read_back)


def test_formulas_are_defused_and_unconfirmed_entries_left_out(world, tmp_path):
    files = read(dump.build(tmp_path / "dump.zip").path)
    by_hand = [r for r in rows(files, "contributions") if r["automatic"] == "false"]
    assert [row["description"] for row in by_hand] == ["'=SUM(A1:A9)"]
    # Who confirmed it is public, by their public name.
    assert [row["confirmed_by"] for row in by_hand] == ["Dominique Garde"]
    # Money: who acknowledged a grant, and what it paid for, with receipts.
    (grant,) = rows(files, "funding")
    assert grant["acknowledged_by"] == "Trésorière Commune"
    expenses = rows(files, "expenses")
    assert [(e["purpose"], e["amount"], e["receipt"]) for e in expenses] == [
        ("Hébergement", "300.00", "https://factures.example.org/42")
    ]
    assert expenses[0]["grant"] == grant["id"]
    (project,) = rows(files, "projects")
    assert project["uses"] == world["commons"].slug  # the hidden one is left out


def test_the_manifest_licence_and_jsonld_describe_the_dump(world, tmp_path, settings):
    settings.FABRIQUE_DATA_LICENCE = "Etalab-2.0"
    info = dump.build(tmp_path / "dump.zip")
    files = read(info.path)
    manifest = json.loads(files["manifest.json"])
    assert manifest["licence"] == "Etalab-2.0"
    assert manifest["counts"]["commons"] == 1
    assert manifest["counts"] == info.counts
    assert "Licence Ouverte" in files["LICENCE.txt"].decode()
    assert "csv/challenges.csv" in files["README.md"].decode()
    graph = json.loads(files["fabrique.jsonld"])["@graph"]
    types = {str(node["@type"]) for node in graph}
    assert {"Dataset", "Question", "Project", "MonetaryGrant"} <= types
    assert graph[0]["@type"] == ["dcat:Dataset", "Dataset"]


def test_an_unwritable_output_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(dump.DumpError, match="cannot write"):
        dump.build(blocker / "sub" / "dump.zip")


def test_the_command_writes_the_archive_and_reports_it(world, tmp_path):
    target = tmp_path / "out.zip"
    result = CliRunner().invoke(cli, ["dump", "--output", str(target), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["counts"]["commons"] == 1
    assert zipfile.is_zipfile(target)
    bad = CliRunner().invoke(cli, ["dump", "--output", str(target / "x.zip")])
    assert bad.exit_code != 0
    assert "Traceback" not in bad.output


def test_the_data_page_serves_the_latest_archive(world, tmp_path, settings, client):
    settings.FABRIQUE_DUMP_DIR = tmp_path / "dumps"
    page = client.get("/donnees/")
    assert "being prepared" in page.content.decode()
    assert client.get("/api/1/data/").status_code == 404
    size = dump.rebuild_dump.call()
    page = client.get("/data/").content.decode()
    assert "fabrique-donnees.zip" in page
    assert filesizeformat(size) in page
    download = client.get(reverse("projects:data_download", args=[dump.ARCHIVE]))
    assert download.status_code == 200
    assert zipfile.is_zipfile(io.BytesIO(b"".join(download.streaming_content)))
    assert client.get("/donnees/manifest.json").status_code == 404
    assert client.get("/donnees/..%2Fsecret").status_code == 404
    info = client.get("/api/1/data/").json()
    assert info["url"].endswith("/donnees/fabrique-donnees.zip")
    assert info["counts"]["commons"] == 1


def test_the_rebuild_task_schedules_its_next_run(world, tmp_path, settings):
    from django_tasks_db.models import DBTaskResult

    settings.FABRIQUE_DUMP_DIR = tmp_path / "dumps"
    DBTaskResult.objects.all().delete()
    dump.rebuild_dump.call()
    (waiting,) = DBTaskResult.objects.filter(
        task_path="fabrique.projects.dump.rebuild_dump", status="READY"
    )
    assert waiting.run_after > timezone.now() + timedelta(hours=23)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=5))
def test_any_text_reads_back_from_the_csv_as_written(values):
    table = dump.Table(
        "sample",
        tuple(f"c{i}" for i in range(len(values))),
        lambda: [values],
        lambda row: tuple(row),
    )
    stream = io.StringIO(newline="")
    assert dump.write_csv(stream, table) == 1
    (header, row) = list(csv.reader(io.StringIO(stream.getvalue(), newline="")))
    assert header == list(table.columns)
    expected = [
        "'" + value if value.startswith(FORMULA_STARTS) else value for value in values
    ]
    assert row == expected


def test_the_archive_is_readable_by_whoever_serves_it(world, tmp_path):
    info = dump.build(tmp_path / "dump.zip")
    assert info.path.stat().st_mode & 0o444 == 0o444
    assert not list(tmp_path.glob(".dump-*"))  # no temporary file left
