"""Run every minute (systemd timer or cron, docs/deployment.md): plan the reminders, alerts and
digests whose time has come, then queue one task per message for the workers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reminders.services import reminders_tick
from reminders.tasks import messages_dispatch


class Command(BaseCommand):
    help = "Plan due reminders, team alerts and digests, and queue them for the workers (run every minute)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = reminders_tick()
        queued = messages_dispatch()
        counts = report.as_dict() | {"queued": queued}
        self.stdout.write(" ".join(f"{name}={value}" for name, value in counts.items()))
