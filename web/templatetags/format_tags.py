"""Amounts of money and dates on pages, e-mails and letters, in the reader's language (core.formatting)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template

from core import formatting

register = template.Library()


@register.filter
def money(amount: Decimal | int | float | str | None) -> str:
    return formatting.money(amount)


@register.filter(expects_localtime=True)
def when(value: datetime.date | datetime.datetime | None, style: str) -> str:
    """A day or a moment (in local time) in one of the date styles: `{{ day|when:"weekday" }}`."""
    if value is None or value == "":
        return ""
    return formatting.date_text(value, style)
