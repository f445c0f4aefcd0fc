"""Feeds for the GTFS tests: small named fixture folders zipped at test time.

``tests/data/gtfs/base`` is a small valid feed. A rule fixture folder
(``tests/data/gtfs/rules/<code>``) holds only the files that differ from it;
``REMOVE`` lists base files to drop and ``ZIP.json`` may give a folder
``prefix`` for every member and ``extra`` members (name -> text);
``VALIDATE.json`` gives options of the validation (``country_code``,
``max_rows``) and is not part of the feed. In a fixture
file, ``{{x*2100000}}`` stands for that character repeated that many times
(rows too long to keep in the repository).
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

VALIDATION_DATE = date(2026, 3, 1)
FeedBuilder = Callable[..., Path]
REPEAT = re.compile(rb"\{\{(.)\*([0-9]+)\}\}")


def build_zip(
    base: Path, target: Path, override: Path | None = None, **files: str | bytes | None
) -> Path:
    """Zip the base feed with an override folder and inline file changes."""
    contents: dict[str, bytes] = {p.name: p.read_bytes() for p in base.iterdir()}
    options: dict[str, object] = {}
    if override is not None:
        for path in override.iterdir():
            if path.name == "REMOVE":
                for name in path.read_text().split():
                    contents.pop(name, None)
            elif path.name == "ZIP.json":
                options = json.loads(path.read_text())
            elif path.name == "VALIDATE.json":
                continue
            else:
                contents[path.name] = REPEAT.sub(
                    lambda m: m.group(1) * int(m.group(2)), path.read_bytes()
                )
    for name, text in files.items():
        filename = name if "." in name else f"{name}.txt"
        if text is None:
            contents.pop(filename, None)
        else:
            contents[filename] = text.encode() if isinstance(text, str) else text
    prefix = str(options.get("prefix", ""))
    extra = options.get("extra", {})
    assert isinstance(extra, dict)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(contents.items()):
            archive.writestr(prefix + name, data)
        for name, text in extra.items():
            archive.writestr(name, str(text))
    return target


@pytest.fixture(scope="session")
def gtfs_data(test_data: Path) -> Path:
    return test_data / "gtfs"


@pytest.fixture
def make_feed(gtfs_data: Path, tmp_path: Path) -> FeedBuilder:
    """Build a zip from the base feed, a rule fixture and inline files.

    ``make_feed("duplicate_key")`` or ``make_feed(stops="stop_id\\n...")``.
    """
    counter = iter(range(1_000_000))

    def build(fixture: str | None = None, **files: str | bytes | None) -> Path:
        override = gtfs_data / "rules" / fixture if fixture else None
        target = tmp_path / f"feed{next(counter)}.zip"
        return build_zip(gtfs_data / "base", target, override, **files)

    return build
