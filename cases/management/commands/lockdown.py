"""Emergency lockdown from the command line (docs/lockdown.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.lockdown import lockdown_activate, lockdown_lift


class Command(BaseCommand):
    help = (
        "End every session and token, suspend every non-administrator account and refuse their sign-in. "
        "--destroy-keys --yes-really also destroys the key files (crypto-shredding). --lift ends a lockdown."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--destroy-keys", action="store_true", help="Also destroy the key files.")
        parser.add_argument("--yes-really", action="store_true", help="Second confirmation for --destroy-keys.")
        parser.add_argument("--lift", action="store_true", help="Lift the lockdown (reactivate suspended accounts).")

    def handle(self, *args: Any, destroy_keys: bool, yes_really: bool, lift: bool, **options: Any) -> None:
        if lift:
            if destroy_keys:
                raise CommandError("--lift and --destroy-keys do not go together.")
            count = lockdown_lift(by=None)
            self.stdout.write(self.style.SUCCESS(f"Lockdown lifted: {count} account(s) reactivated."))
            return
        if destroy_keys and not yes_really:
            raise CommandError(
                "Refusing to destroy the keys without --yes-really. Without the escrowed keys nothing "
                "encrypted can ever be read again. Nothing was changed."
            )
        report = lockdown_activate(by=None, destroy_keys=destroy_keys)
        self.stdout.write(f"Sessions ended: {report.sessions_ended}")
        self.stdout.write(f"Accounts suspended: {report.accounts_suspended}")
        if report.administrators_suspended:
            self.stdout.write(
                f"Of them, raised to administrator in the last {settings.LOCKDOWN_RECENT_ADMIN_DAYS} days: "
                f"{report.administrators_suspended}"
            )
        if destroy_keys:
            if report.key_files_destroyed:
                self.stdout.write(f"Key files destroyed: {', '.join(report.key_files_destroyed)}")
            else:
                self.stdout.write(
                    self.style.WARNING(
                        "No key file was destroyed: none is configured (FIELD_ENCRYPTION_KEYS_FILE, "
                        "BLIND_INDEX_KEY_FILE, or the development key file), so the keys come from the "
                        "service's environment. Remove them from it and restart every process; to let a "
                        "lockdown destroy them itself, keep them in key files (docs/lockdown.md)."
                    )
                )
            if report.environment_keys_remaining:
                self.stdout.write(
                    self.style.WARNING(
                        f"{report.environment_keys_remaining} key(s) come from the environment: remove them from "
                        "the service's environment and restart every process NOW."
                    )
                )
        self.stdout.write(self.style.SUCCESS("Lockdown in force. Only administrators can sign in."))
