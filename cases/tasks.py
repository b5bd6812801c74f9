"""Background tasks of the cases app (django-tasks). Schedule `purge_expired_task` daily."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def purge_expired_task(dry_run: bool = False) -> dict[str, Any]:
    """The daily retention purge (same as `manage.py purge_expired`); returns the report (case
    numbers and counts only)."""
    from cases.retention import purge_expired

    return purge_expired(dry_run=dry_run).as_dict()
