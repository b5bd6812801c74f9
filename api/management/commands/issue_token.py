"""Issue an API token for an account and print it once."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.tokens import token_issue


class Command(BaseCommand):
    help = "Issue an API token for USERNAME and print it (shown once; only its hash is stored)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--hours", type=int, default=None, help="Lifetime in hours (default: API_TOKEN_TTL_HOURS).")
        parser.add_argument("--label", default="issued by command")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError("No active account with that username.")
        hours = options["hours"]
        if hours is not None and not 1 <= hours <= 24 * 366:
            raise CommandError("--hours must be between 1 and 8784.")
        ttl = datetime.timedelta(hours=hours) if hours else None
        raw, token = token_issue(user=user, by=None, label=options["label"], ttl=ttl)
        self.stdout.write(raw)
        self.stderr.write(f"expires {token.expires_at:%Y-%m-%d %H:%M %Z}; revoke with DELETE /api/v1/auth/token/")
