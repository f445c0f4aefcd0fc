"""``fabrique manage harvest``: add a harvest source, run one or the due ones."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fabrique.federation import harvest
from fabrique.federation.models import HarvestRun, HarvestSource, SourceKind


def report(run: HarvestRun) -> dict[str, Any]:
    return {
        "source": run.source.name,
        "dry_run": run.dry_run,
        "full": run.full,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "deleted": run.deleted,
        "skipped": run.skipped,
        "failed": run.failed,
        "requests": run.requests,
        "bytes": run.bytes,
        "duration": run.duration,
        "stopped": run.stopped,
    }


class Command(BaseCommand):
    help = "Add a harvest source, run one (--run NAME) or the due ones (--due)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--add", metavar="URL", help="add a source at this address")
        parser.add_argument("--kind", choices=SourceKind.values, default="fabrique")
        parser.add_argument("--name", help="the source's name (default: its address)")
        parser.add_argument("--every", type=int, default=3600, help="seconds")
        parser.add_argument("--run", metavar="NAME", help="harvest this source now")
        parser.add_argument("--due", action="store_true", help="run the due sources")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--full", action="store_true", help="read everything again")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["add"]:
            source, _ = HarvestSource.objects.update_or_create(
                url=options["add"],
                defaults={
                    "name": options["name"] or options["add"],
                    "kind": options["kind"],
                    "every_seconds": options["every"],
                },
            )
            self.stdout.write(json.dumps({"source": source.pk, "name": source.name}))
        if options["run"]:
            source = HarvestSource.objects.filter(name=options["run"]).first()
            if source is None:
                raise CommandError(f"no harvest source named {options['run']!r}")
            run = harvest.run_source(
                source, dry_run=options["dry_run"], full=options["full"]
            )
            self.stdout.write(json.dumps(report(run)))
        if options["due"]:
            for run in harvest.run_due():
                self.stdout.write(json.dumps(report(run)))
