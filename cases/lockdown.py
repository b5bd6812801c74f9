"""Emergency lockdown (see docs/lockdown.md)."""

from __future__ import annotations

from cases.models import LockdownState


def lockdown_is_active() -> bool:
    return LockdownState.objects.filter(pk=1, active=True).exists()
