"""Deadline urgency for the desk pages: overdue, urgent (2 days or less), soon (a week), later."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def urgency(deadline: Any, today: datetime.date | None = None) -> str:
    if getattr(deadline, "status", "open") not in ("open", "missed"):
        return "done"
    due = deadline.due_on if hasattr(deadline, "due_on") else deadline
    if due is None:
        return "none"
    days = (due - (today or timezone.localdate())).days
    if days < 0:
        return "overdue"
    if days <= 2:
        return "urgent"
    if days <= 7:
        return "soon"
    return "later"
