"""Remove an account's second-factor devices after a lost phone (it enrols again at next sign-in)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.services import account_reset_mfa


class Command(BaseCommand):
    help = (
        "Reset an account's authenticator and recovery codes (after checking who is asking, as carefully as at "
        "account creation) and end its sessions; it enrols a new phone at its next sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError("No such account.")
        account_reset_mfa(user=user, by=None)  # its sessions and tokens end with the devices
        self.stdout.write(self.style.SUCCESS(f"Second factor reset for {username}; every session ended."))
