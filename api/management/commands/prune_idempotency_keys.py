"""Delete idempotency records older than IDEMPOTENCY_TTL_HOURS (they hold encrypted response bodies)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from api.idempotency import prune_expired


class Command(BaseCommand):
    help = "Delete expired idempotency records."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"deleted {prune_expired()} expired idempotency records")
