"""Money and dates as a person reads them, in the active language: the one place that turns an
amount or a day into text for a page, an e-mail or a text message.

Money: "$1,000.00" in English, "1 000,00 $" in Spanish, with a no-break space between thousands.
Dates: `date_text(value, style)` (the `when` template filter) with one of the project's date
styles ("weekday", "long_day", ...), each a format per language in config/formats/<lang>/formats.py
(Django's format modules, FORMAT_MODULE_PATH): the language's order and words ("December 6,
2026" / "6 de diciembre de 2026").

Numbers come from Django's localisation (the language's decimal and thousands separators, grouping
forced so every page agrees); where the currency sign goes is part of the translation
("$%(amount)s"). Court filings stay English: they format under `translation.override("en")`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format, get_format, get_format_modules
from django.utils.numberformat import format as number_format
from django.utils.translation import get_language, gettext

CENTS = Decimal("0.01")


def money(amount: Decimal | int | float | str | None) -> str:
    """`amount` in dollars and cents, formatted for the active language; "" for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount)).quantize(CENTS)
    except InvalidOperation:
        return str(amount)
    language = get_language()
    text = number_format(
        value,
        decimal_sep=get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
        decimal_pos=2,
        grouping=get_format("NUMBER_GROUPING", language, use_l10n=True),
        thousand_sep=get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
        force_grouping=True,
    )
    # Translators: an amount of money in dollars; put the sign where your language puts it.
    return gettext("$%(amount)s") % {"amount": text}


def date_text(value: datetime.date | datetime.datetime, style: str) -> str:
    """`value` (a date, or a datetime already in local time) in the date style `style` of the
    active language (its `<STYLE>_FORMAT` in config/formats/<lang>/formats.py)."""
    name = f"{style.upper()}_FORMAT"
    for module in get_format_modules(get_language()):
        fmt = getattr(module, name, None)
        if fmt is not None:
            return date_format(value, fmt)
    raise ValueError(f"no date style {style!r} (config/formats/*/formats.py define {name})")
