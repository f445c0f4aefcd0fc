"""``fabrique manage purge_validation_jobs``: remove expired on-demand validations.

Each new validation request already removes a few expired ones; run this from
cron (or a systemd timer) to keep the store small on a quiet site::

    17 * * * *  fabrique manage purge_validation_jobs
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fabrique.transport.ondemand import purge_expired


class Command(BaseCommand):
    help = "Remove the on-demand GTFS validations past their expiry, and their files."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        while removed := purge_expired(limit=500):
            total += removed
        self.stdout.write(f"{total} expired validation(s) removed.")
