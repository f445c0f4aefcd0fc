"""``fabrique standards validate FILE``: the standard is found from the file,
findings are printed (or given as JSON) and the exit code says if it passed."""

from __future__ import annotations

import json

from click.testing import CliRunner

from fabrique.standards import publiccode
from fabrique.standards.cli import standards

COMMONS = {
    "title": "Calculateur d'itinéraires vélo",
    "summary": "Un calculateur d'itinéraires vélo pour les collectivités.",
    "description": "Calcule des itinéraires vélo sûrs à partir d'OpenStreetMap.",
    "licence": "AGPL-3.0-or-later",
    "repository_url": "https://example.org/velo/calculateur",
    "kind": "software",
}


def test_a_publiccode_file_is_checked_with_its_folder(tmp_path):
    text = publiccode.from_commons(COMMONS)
    path = tmp_path / "publiccode.yml"
    path.write_text(text + "logo: img/logo.png\n", encoding="utf-8")
    runner = CliRunner()
    missing = runner.invoke(standards, ["validate", "--json", str(path)])
    report = json.loads(missing.output)
    assert report["format"] == "publiccode"
    assert missing.exit_code == 1
    assert any(f["path"] == "logo" for f in report["findings"])
    # The logo beside the file, relative to its folder: now it passes.
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    found = runner.invoke(standards, ["validate", str(path)])
    assert found.exit_code == 0, found.output
    assert "publiccode.yml (publiccode): 0 error(s)" in found.output


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "publiccode.yml"
    path.write_text("a: &a [*a, *a]\n" * 3, encoding="utf-8")
    result = CliRunner().invoke(standards, ["validate", str(path)])
    assert result.exit_code != 0
    assert "Error" in result.output or "error" in result.output
