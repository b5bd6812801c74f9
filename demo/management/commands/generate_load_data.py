"""Generate a synthetic mass-arrest data set for load tests and benchmarks."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.load_data import LoadDataPresent, LoadSizes, generate_load_data


class Command(BaseCommand):
    help = (
        "Write a synthetic data set (people, cases, citations, incidents, officers, complaints, payments) "
        "with bulk inserts. Every value is invented. Refused where demo data is not allowed (production)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--citations", type=int, default=50_000)
        parser.add_argument("--incidents", type=int, default=100_000)
        parser.add_argument("--officers", type=int, default=400)
        parser.add_argument("--observers", type=int, default=300)
        parser.add_argument("--lawyers", type=int, default=150)
        parser.add_argument("--events", type=int, default=6)
        parser.add_argument("--seed", type=int, default=8, help="Random seed (same seed and anchor, same data).")
        parser.add_argument(
            "--anchor",
            type=datetime.date.fromisoformat,
            default=None,
            help="The last day of the generated month (YYYY-MM-DD); today by default.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError("generate_load_data is disabled here (ALLOW_DEMO_DATA is off, as in production).")
        for name in ("people", "citations", "incidents", "officers", "observers", "lawyers", "events"):
            if options[name] < 0 or (name in ("officers", "observers", "lawyers", "events") and options[name] < 1):
                raise CommandError(f"--{name} must be positive.")
        sizes = LoadSizes(
            people=options["people"],
            citations=options["citations"],
            incidents=options["incidents"],
            officers=options["officers"],
            observers=options["observers"],
            lawyers=options["lawyers"],
            events=options["events"],
        )
        anchor = options["anchor"] or timezone.localdate()
        self.stdout.write(f"Generating load data (seed {options['seed']}, month ending {anchor}):")
        try:
            report = generate_load_data(sizes=sizes, seed=options["seed"], anchor=anchor, stdout=self.stdout.write)
        except LoadDataPresent as exc:
            raise CommandError(f"{exc}; use a fresh database.") from None
        total = sum(report.counts.values())
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows in {report.total_seconds:.1f} s."))
