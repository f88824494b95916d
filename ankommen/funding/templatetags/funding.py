"""Template filters of the funding screens: money in the reader's locale."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euro(value: Any) -> str:
    """``Decimal("1250.5")`` → "1.250,50 €" (German) or "1,250.50 €" (English); empty for None."""
    if value is None or value == "":
        return ""
    return f"{number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)} €"


@register.filter
def qty(value: Any) -> str:
    """A quantity without needless zeros: 12.00 → "12", 12.50 → "12,5"."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    places = 0 if number == number.to_integral() else (1 if (number * 10) == (number * 10).to_integral() else 2)
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
