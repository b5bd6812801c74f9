"""Showing the dashboard's cells in the reader's language: a suppressed count reads "fewer than N";
a count withheld so that a small one cannot be worked out by subtraction reads "withheld"; a count
of a breakdown that is not shown at all reads "—"."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from citations.dashboard import WITHHELD

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
    return str(value.get("display", ""))
