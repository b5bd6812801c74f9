"""Showing the dashboard's cells in the reader's language: a suppressed count reads "fewer than N";
a count withheld so that a small one cannot be worked out by subtraction reads "withheld"; a count
of a breakdown that is not shown at all reads "—"; an amount of money is formatted for the
language (core.formatting), from the cell's exact value, never from its English display."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from citations.dashboard import WITHHELD
from core.formatting import money

register = template.Library()


@register.filter
def cell(value: dict[str, Any] | None, kind: str = "count") -> str:
    if not value:  # a breakdown left out (too few to show safely): no number at all
        return "—"
    if value.get("suppressed"):
        if value.get("display") == WITHHELD:
            return _("withheld")
        n = int(getattr(settings, "SMALL_COUNT_THRESHOLD", 5))
        if kind == "money":
            return _("fewer than %(n)d citations") % {"n": n}
        return _("fewer than %(n)d") % {"n": n}
    if kind == "money" and value.get("value") is not None:
        return money(value["value"])
    return str(value.get("display", ""))


@register.filter
def parse_day(value: str | None) -> datetime.date | None:
    """An ISO day of the summary ("2026-06-01") as a date, for the `date` filter to localise."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None
