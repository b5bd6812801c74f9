"""Amounts of money on pages, e-mails and letters, in the reader's language (core.formatting)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from core import formatting

register = template.Library()


@register.filter
def money(amount: Decimal | int | float | str | None) -> str:
    return formatting.money(amount)
