"""Models of the custody app (see the package docstring).

Privacy: what identifies a person (a caller's name and number, a description of someone not yet
identified) is encrypted like the core record (`cases.fields`); nothing here records or infers
immigration status, a hold or a detainer (docs/custody.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JailSupportAssignment(models.Model):
    """A jail-support account assigned to an event: it sees that event's custody board and
    hotline log (custody/access.py), and nothing else."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jail_support_events")
    event = models.ForeignKey("cases.Event", on_delete=models.CASCADE, related_name="jail_support_assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "user"]
        verbose_name = _("jail-support assignment")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="jail_support_once_per_event")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id}"
