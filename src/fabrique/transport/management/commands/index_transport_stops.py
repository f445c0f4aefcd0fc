"""``fabrique manage index_transport_stops``: rebuild the transport stops source."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fabrique.geocoder.errors import GeocoderError
from fabrique.transport import geocoding


class Command(BaseCommand):
    help = (
        "Rebuild the `transport` source of the geocoder index from the stops of "
        "the transport datasets' newest ready GTFS versions. The other sources "
        "are left as they are; searches keep answering from the previous source "
        "until the new one is swapped in."
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
            count = geocoding.rebuild(options["index"])
        except (GeocoderError, OSError) as exc:
            raise CommandError(f"could not rebuild the transport stops: {exc}") from exc
        if options["verbosity"] > 0:
            elapsed = time.perf_counter() - started
            self.stdout.write(
                self.style.SUCCESS(
                    f"{count} transport stops indexed in {elapsed:.1f} s."
                )
            )
