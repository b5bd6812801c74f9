"""Receivers connected in CitationsConfig.ready: the cases app announces changes, this app keeps
its deadlines and calendar feeds in step (cases never imports citations)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from cases.models import Event, ExcessiveForceComplaint, Incident
from citations.deadlines import sync_complaint_deadlines, sync_event_deadlines
from citations.models import CalendarFeedToken, Deadline


def _recompute_cases(case_ids: set[int]) -> None:
    if case_ids:
        sync_complaint_deadlines(list(ExcessiveForceComplaint.objects.filter(case_id__in=case_ids)))


def complaint_saved(sender: Any, instance: ExcessiveForceComplaint, raw: bool = False, **kwargs: Any) -> None:
    """A complaint was created or changed: its civil-claim and oversight deadlines follow (and a
    civil suit filed meets the civil-claim deadline of the case's other complaints)."""
    if not raw:
        _recompute_cases({instance.case_id})


def complaint_incidents_changed(sender: Any, instance: Any, action: str, pk_set: Any, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, ExcessiveForceComplaint):
        _recompute_cases({instance.case_id})
    else:  # incident.complaints.add(...): instance is the incident
        ids = set(pk_set or ()) or set(instance.complaints.values_list("pk", flat=True))
        _recompute_cases(set(ExcessiveForceComplaint.objects.filter(pk__in=ids).values_list("case_id", flat=True)))


def incident_saved(sender: Any, instance: Incident, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """An incident's time moved: the complaints that cite it may have a new earliest incident."""
    if raw or created:
        return  # a new incident has no complaint yet
    _recompute_cases(set(ExcessiveForceComplaint.objects.filter(incidents=instance).values_list("case_id", flat=True)))


def _place(event: Event) -> tuple[str, str]:
    return (event.time_zone, event.jurisdiction)


def event_saved(sender: Any, instance: Event, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """An event's time zone or jurisdiction was corrected: its cases' deadlines follow. Where it
    stood before the save is read once, by the cases app (`cases.receivers.event_saving`)."""
    before = getattr(instance, "_place_before", None)
    if raw or created or before is None or before == _place(instance):
        return
    sync_event_deadlines(instance)


def revoke_calendar_feeds(sender: Any, **kwargs: Any) -> None:
    """Lockdown: every calendar-feed link stops working at once."""
    CalendarFeedToken.objects.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke_calendar_feeds_of_users(sender: Any, *, users: Any, **kwargs: Any) -> None:
    """Log out everywhere: the account's calendar-feed links stop working too."""
    CalendarFeedToken.objects.filter(user__in=users, revoked_at__isnull=True).update(revoked_at=timezone.now())


def purge_case_deadlines(sender: Any, case: Any, **kwargs: Any) -> None:
    """Purge: a purged case's court dates and deadlines go with it."""
    Deadline.objects.filter(case=case).delete()
