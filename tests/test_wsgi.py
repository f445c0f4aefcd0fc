"""The portal's WSGI application, as a server loads it."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_routes_are_loaded_before_the_freeze():
    # Objects a first request would make after gc.freeze() are walked by
    # every full collection after it: the routes' modules must come first.
    code = (
        "import gc, sys, fabrique.wsgi\n"
        "print('fabrique.catalog.views.dcat' in sys.modules)\n"
        "print(gc.get_freeze_count())"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fabrique.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    loaded, frozen = out.stdout.split()
    assert loaded == "True"
    assert int(frozen) > 100_000
