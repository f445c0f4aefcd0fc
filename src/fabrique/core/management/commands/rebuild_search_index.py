"""``fabrique manage rebuild_search_index``: rebuild the search index from the data."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fabrique.core.search import index
from fabrique.core.search.registry import types


class Command(BaseCommand):
    help = (
        "Rebuild the search index of every indexed type (or of those given "
        "with --type) from the database. Safe to run at any time: each type is "
        "replaced in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--type",
            action="append",
            dest="types",
            metavar="TYPE",
            help="a type to rebuild (repeatable); default: all",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="objects read and written per batch (default 1000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        known = types()
        wanted = options["types"] or sorted(known)
        unknown = [name for name in wanted if name not in known]
        if unknown:
            raise CommandError(
                f"unknown type {unknown[0]!r}; known types: {', '.join(sorted(known))}"
            )
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        verbose = options["verbosity"] > 0
        started = time.perf_counter()

        def progress(name: str, done: int, total: int) -> None:
            if verbose and options["verbosity"] > 1:
                self.stdout.write(f"  {name}: {done}/{total}")

        counts = index.rebuild(
            wanted, batch_size=options["batch_size"], progress=progress
        )
        if verbose:
            elapsed = time.perf_counter() - started
            for name, count in counts.items():
                self.stdout.write(f"{name}: {count} documents")
            self.stdout.write(
                self.style.SUCCESS(f"Search index rebuilt in {elapsed:.1f} s.")
            )
