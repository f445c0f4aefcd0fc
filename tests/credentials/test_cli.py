"""``fabrique badges verify``: verdicts on files, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fabrique.credentials import dataintegrity, ob3
from fabrique.credentials.cli import badges
from fabrique.credentials.contexts import FrozenLoader
from fabrique.credentials.keys import SigningKey
from fabrique.credentials.verify import verify
from tests.credentials.test_issue_and_verify import ISSUED


def _signed(loader: FrozenLoader) -> dict:
    key = SigningKey.generate_did_key()
    doc = ob3.open_badge_credential(
        "urn:uuid:1",
        ob3.profile(key.controller, "Test"),
        ob3.achievement("urn:uuid:2", "Badge", "A badge.", "Do it."),
        valid_from=ISSUED,
        recipient_id="did:example:ana",
    )
    return dataintegrity.sign(doc, key, loader)[0]


def test_verify_prints_valid_and_exits_zero(
    loader: FrozenLoader, context_files: dict[str, Path], tmp_path: Path
):
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(_signed(loader)))
    assets = context_files["https://www.w3.org/ns/did/v1"].parents[2]
    result = CliRunner().invoke(
        badges, ["verify", "--assets", str(assets), "--json", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["status"] == "valid"


def test_a_tampered_badge_exits_one_with_the_reason(
    loader: FrozenLoader, context_files: dict[str, Path], tmp_path: Path
):
    signed = _signed(loader)
    signed["name"] = "Forged"
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(signed))
    assets = context_files["https://www.w3.org/ns/did/v1"].parents[2]
    result = CliRunner().invoke(badges, ["verify", "--assets", str(assets), str(path)])
    assert result.exit_code == 1
    assert "INVALID" in result.output
    assert "does not match" in result.output
    assert not verify(signed, loader=loader).valid


def test_missing_context_packages_are_named(tmp_path: Path):
    path = tmp_path / "badge.json"
    path.write_text("{}")
    result = CliRunner().invoke(
        badges, ["verify", "--assets", str(tmp_path / "none"), str(path)]
    )
    assert result.exit_code == 1
    assert "@digitalbazaar/credentials-context" in result.output
    assert "npm ci" in result.output
