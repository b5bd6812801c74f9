"""Money as a person reads it, in the active language: the one place that turns an amount into
text for a page, an e-mail or a letter ("$1,000.00" in English, "1 000,00 $" in Spanish,
with a no-break space between thousands).

Numbers come from Django's localisation (the language's decimal and thousands separators, grouping
forced so every page agrees); where the currency sign goes is part of the translation
("$%(amount)s"). Court filings stay English: they format under `translation.override("en")`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.formats import get_format
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
