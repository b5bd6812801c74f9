"""Print the current code of a demo account's authenticator (demo data only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from cases.models import Authenticator
from demo.scenario import DEMO_DEVICE


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo account (only where demo data is allowed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError("demo_code is disabled here (ALLOW_DEMO_DATA is off, as in production).")
        device = Authenticator.objects.filter(user__username=username, name=DEMO_DEVICE, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no demo authenticator (run seed_demo; only demo accounts have one).")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
