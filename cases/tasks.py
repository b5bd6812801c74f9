"""Background tasks of the cases app (django-tasks). Schedule `purge_expired_task` daily;
`recompute_incident_days_task` is queued when an event's time zone changes.
(`cases.account_changes.announce_elevation_task` sits beside what queues it: the services import
that module, and this one imports the services.)"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from cases.retention import purge_expired
from cases.services import incident_days_recompute


@task()
def purge_expired_task(dry_run: bool = False) -> dict[str, Any]:
    """The daily retention purge (same as `manage.py purge_expired`); returns the report (case
    numbers and counts only)."""
    return purge_expired(dry_run=dry_run).as_dict()


@task()
def recompute_incident_days_task(event_id: int) -> int:
    """An event's time zone was corrected: its incidents' local days follow (queued by
    `cases.receivers.event_zone_saved`). Returns how many moved."""
    return incident_days_recompute(event_id=event_id)
