"""``fabrique manage fetch_transport_resources``: fetch the resources that are due.

A resource with an address and "fetch every N hours" is due when its
``next_fetch_at`` has passed. Run this command from cron (or a systemd timer)
every few minutes, or leave it running with ``--every MINUTES``::

    */10 * * * *  fabrique manage fetch_transport_resources
    fabrique manage fetch_transport_resources --every 10

A new version is kept only when the content changed; each version is then
checked by the background worker (``fabrique worker``).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fabrique.transport.services import fetch_due


class Command(BaseCommand):
    help = "Fetch the transport resources whose next fetch is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            metavar="MINUTES",
            help="Keep running and look for due resources every MINUTES.",
        )
        parser.add_argument(
            "--limit", type=int, default=100, help="At most this many per round."
        )

    def handle(self, *args: Any, every: float, limit: int, **options: Any) -> None:
        while True:
            self.round(limit)
            if every <= 0:
                return
            time.sleep(every * 60)

    def round(self, limit: int) -> None:
        outcomes = fetch_due(limit=limit)
        for outcome in outcomes:
            resource = outcome.resource
            name = f"{resource.dataset} / {resource.title}"
            if outcome.error:
                self.stderr.write(f"{name}: failed: {outcome.error}")
            elif outcome.version is None:
                self.stdout.write(f"{name}: unchanged")
            else:
                self.stdout.write(f"{name}: new version {outcome.version.number}")
        if not outcomes:
            self.stdout.write("No resource is due.")
