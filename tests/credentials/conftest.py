"""Fixtures of the credentials engine tests: the frozen loader, W3C/1EdTech data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fabrique.credentials.contexts import FrozenLoader


@pytest.fixture(scope="session")
def loader(context_files: dict[str, Path]) -> FrozenLoader:
    """The loader over the npm packages' contexts, as the app builds it."""
    return FrozenLoader(context_files)


@pytest.fixture(scope="session")
def standards(shared_data: Path) -> Path:
    folder = shared_data / "standards"
    if not folder.is_dir():
        pytest.skip(f"standards conformance data not found in {shared_data}")
    return folder


@pytest.fixture(scope="session")
def vectors(standards: Path) -> Path:
    """The W3C vc-di-eddsa test vectors."""
    return standards / "vc" / "vc-di-eddsa" / "TestVectors"


@pytest.fixture(scope="session")
def examples_loader(loader: FrozenLoader, standards: Path) -> FrozenLoader:
    """The loader plus the VC examples context the W3C vectors use (test only)."""
    ctx = standards / "vc" / "vc-data-model" / "contexts"
    return loader.with_documents(
        {
            "https://www.w3.org/ns/credentials/examples/v2": ctx
            / "credentials-examples-v2.jsonld"
        }
    )


@pytest.fixture(scope="session")
def ob3_schemas(standards: Path) -> list[dict[str, Any]]:
    """The OB 3.0 AchievementCredential schema and the VC 2.0 credential schema."""
    ob = standards / "openbadges" / "ob3" / "schema"
    vc = standards / "vc" / "vc-data-model" / "schema" / "verifiable-credential"
    return [
        json.loads((ob / "ob_v3p0_achievementcredential_schema.json").read_text()),
        json.loads((vc / "verifiable-credential-schema.json").read_text()),
    ]
