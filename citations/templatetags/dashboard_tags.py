"""Showing the dashboard's cells: a suppressed count reads "fewer than N", in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def cell(value: dict[str, Any] | None, kind: str = "count") -> str:
    if not value:
        return "0"
    if value.get("suppressed"):
        n = int(getattr(settings, "SMALL_COUNT_THRESHOLD", 5))
        if kind == "money":
            return _("fewer than %(n)d citations") % {"n": n}
        return _("fewer than %(n)d") % {"n": n}
    return str(value.get("display", ""))
