"""NeTEx fixtures: the installed XML Schema, reached through one fixture."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fabrique.netex import xsd


@pytest.fixture(scope="session")
def netex_xsd(tmp_path_factory, shared_data_root) -> Path:
    """A folder with the NeTEx XSD installed; skip when none can be found.

    ``NETEX_XSD_DIR`` when it holds a schema, else an install from the
    shared conformance data (the XSD is GPL and not part of the repository).
    """
    configured = os.environ.get("NETEX_XSD_DIR")
    if configured and xsd.installed(Path(configured)):
        return Path(configured)
    archive = shared_data_root / "standards" / "netex" / "netex-xsd.zip"
    if not archive.is_file():
        pytest.skip(
            "NeTEx XSD not installed (run `fabrique netex xsd install`) and "
            f"{archive} absent"
        )
    target = tmp_path_factory.mktemp("netex-xsd")
    xsd.install(archive, target)
    return target


@pytest.fixture(scope="session")
def shared_data_root() -> Path:
    from tests.conftest import SHARED_DATA

    return SHARED_DATA


@pytest.fixture
def netex_data(test_data: Path) -> Path:
    return test_data / "netex"
