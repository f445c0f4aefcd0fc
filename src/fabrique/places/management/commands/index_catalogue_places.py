"""``fabrique manage index_catalogue_places``: rebuild the catalogue's places source."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fabrique.geocoder.errors import GeocoderError
from fabrique.places import catalogue


class Command(BaseCommand):
    help = (
        "Rebuild the `catalogue` source of the geocoder index from the public "
        "actors' places. The other sources (BAN, BANO, stops) are left as they "
        "are; searches keep answering from the previous source until the new "
        "one is swapped in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--index",
            type=Path,
            default=None,
            help="folder of the geocoder index (default: the GEOCODER_INDEX setting)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            count = catalogue.rebuild(options["index"])
        except (GeocoderError, OSError) as exc:
            raise CommandError(
                f"could not rebuild the catalogue places: {exc}"
            ) from exc
        if options["verbosity"] > 0:
            elapsed = time.perf_counter() - started
            self.stdout.write(
                self.style.SUCCESS(
                    f"{count} catalogue places indexed in {elapsed:.1f} s."
                )
            )
