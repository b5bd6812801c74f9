"""Mark open deadlines whose moment has passed as missed (run from cron or a scheduler)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from citations.deadlines import deadlines_mark_missed


class Command(BaseCommand):
    help = "Mark open deadlines whose last moment has passed as missed (hearings stay open until decided)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = deadlines_mark_missed()
        self.stdout.write(f"{count} deadlines marked missed.")
