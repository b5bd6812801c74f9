"""Build the demo (demo.scenario): one account per role and an invented protest. Idempotent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.scenario import ACCOUNTS, demo_accounts, demo_build


class Command(BaseCommand):
    help = "Create demo data and one account per role (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--password", default="demo-password-2026", help="Password for every demo account.")
        parser.add_argument("--seed", type=int, default=2018, help="Random seed (same seed, same data).")

    def handle(self, *args: Any, password: str, seed: int, **options: Any) -> None:
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError("seed_demo is disabled here (ALLOW_DEMO_DATA is off, as in production).")
        users = demo_accounts(password)
        if demo_build(users=users, seed=seed):
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        else:
            self.stdout.write("Demo data already present; accounts refreshed.")
        self.stdout.write(f"Demo accounts (password: {password}): " + ", ".join(f"{u} ({r})" for u, r in ACCOUNTS))
        self.stdout.write(
            "Lawyers, coordinators and admin need a second factor: "
            "`./dev code USERNAME` (or `manage.py demo_code USERNAME`) prints the current code."
        )
