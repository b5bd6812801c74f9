"""Deadline urgency for the desk pages: overdue, urgent (2 days or less), soon (a week), later."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.html import format_html
from django.utils.translation import get_language

from citations.deadlines import (
    ClerkHours,
    ClerkHoursTable,
    DueWording,
    Provenance,
    clerk_hours_table,
    deadline_provenance,
    due_wording,
)

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


@register.simple_tag(takes_context=True)
def sort_heading(context: Any, key: str, label: str) -> str:
    """A sortable column heading: a link (or, while a search is shown, a button that sends the
    search again, since its text stays out of URLs) to this column's order, the other direction
    when it is already the current one; `aria-sort` on the current column."""
    sort = context["sort"]
    current = sort.key == key
    aria = format_html(' aria-sort="{}"', "descending" if sort.descending else "ascending") if current else ""
    arrow = format_html(' <span aria-hidden="true">{}</span>', "▼" if sort.descending else "▲") if current else ""
    if context.get("searching"):
        control = format_html(
            '<button type="submit" class="sort" form="{}" name="sort" value="{}">{}{}</button>',
            context["search_form_id"], sort.toggled(key), label, arrow,
        )  # fmt: skip
    else:
        query = context.get("query", "")
        href = f"?{query}&sort={sort.toggled(key)}" if query else f"?sort={sort.toggled(key)}"
        control = format_html('<a class="sort" href="{}">{}{}</a>', href, label, arrow)
    return format_html('<th scope="col"{}>{}</th>', aria, control)


# (field, language) -> {value: label}: a model's get_FOO_display hashes every choice's lazy label
# (translating each) on every call; a page with hundreds of rows spent a third of its time there.
_CHOICE_LABELS: dict[tuple[Any, str], dict[Any, str]] = {}


@register.filter
def label(obj: Any, field_name: str) -> Any:
    """`{{ citation|label:"status" }}`: what `citation.get_status_display` gives, from a table
    built once per field and language."""
    field = obj._meta.get_field(field_name)
    key = (field, get_language() or "")
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        labels = _CHOICE_LABELS[key] = {value: str(text) for value, text in field.flatchoices}
    value = getattr(obj, field.attname)
    return labels.get(value, value)


@register.simple_tag(takes_context=True)
def due_meaning(context: Any, deadline: Any) -> DueWording:
    """What the deadline's "due" means (a payment received, a filing in the clerk's office hours
    of its court on the last day). The hours are read once per request."""
    request = context.get("request")
    table: ClerkHoursTable | None = getattr(request, "clerk_hours_table", None)
    if table is None:
        table = clerk_hours_table()
        if request is not None:
            request.clerk_hours_table = table
    return due_wording(deadline, clerk_hours=table)


@register.simple_tag
def provenance(deadline: Any) -> Provenance:
    """Where the deadline comes from and whether a lawyer checked its rule
    (`citations.deadlines.deadline_provenance`, the one home; `deadline.rule` joined)."""
    return deadline_provenance(deadline)


@register.filter
def clerk_days(hours: ClerkHours) -> str:
    """The weekdays of a clerk's hours in the reader's language ("lun–vie", "Mon, Wed")."""
    digits = sorted(int(c) for c in hours.weekdays)
    if len(digits) > 2 and digits == list(range(digits[0], digits[-1] + 1)):
        return f"{WEEKDAYS_ABBR[digits[0]]}–{WEEKDAYS_ABBR[digits[-1]]}"
    return ", ".join(str(WEEKDAYS_ABBR[d]) for d in digits)
