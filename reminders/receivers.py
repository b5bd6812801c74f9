"""Receivers connected in RemindersConfig.ready: a hearing that moves alerts the lawyer and tells
the person at once (queued when the move commits); a purged case takes its reminder log and alerts
with it."""

from __future__ import annotations

from typing import Any

from cases.models import Case
from citations.models import Citation
from reminders.models import Message, TeamAlert
from reminders.services import hearing_moved
from reminders.tasks import messages_send_soon

LOADED_HEARING = "reminders_loaded_hearing_at"


def citation_loaded(sender: Any, instance: Citation, **kwargs: Any) -> None:
    """Remember the hearing time a citation was loaded with (no query: only when it was loaded)."""
    if "hearing_at" in instance.__dict__ and instance.pk is not None:
        setattr(instance, LOADED_HEARING, instance.__dict__["hearing_at"])


def citation_saved(sender: Any, instance: Citation, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or created or not hasattr(instance, LOADED_HEARING):
        return
    previous = getattr(instance, LOADED_HEARING)
    if previous != instance.hearing_at:
        messages_send_soon(hearing_moved(citation=instance, previous_at=previous))
    setattr(instance, LOADED_HEARING, instance.hearing_at)


def purge_case_reminders(sender: Any, *, case: Case, **kwargs: Any) -> None:
    TeamAlert.objects.filter(case=case).delete()
    Message.objects.filter(demonstrator_id=case.demonstrator_id).delete()
