"""Small presentation helpers for order pages."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def etd_countdown(etd: date | None, today: date) -> Any:
    """ "19 days left" / "due today" / "3 days late", coloured by urgency."""
    if etd is None:
        return mark_safe('<span class="muted">No ETD</span>')
    days = (etd - today).days
    if days > 14:
        return format_html('<span class="badge-gray countdown">{} days left</span>', days)
    if days > 0:
        return format_html('<span class="badge-amber countdown">{} day{} left</span>', days, "s" if days != 1 else "")
    if days == 0:
        return mark_safe('<span class="badge-amber countdown">Due today</span>')
    return format_html('<span class="badge-red countdown">{} day{} late</span>', -days, "s" if days != -1 else "")


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping else None


LINE_BADGES = {
    "upcoming": "badge-gray",
    "in_development": "badge-blue",
    "running": "badge-brand",
    "bulk": "badge-amber",
    "completed": "badge-green",
    "archived": "badge-gray",
}


@register.filter
def line_badge(status: str) -> str:
    return LINE_BADGES.get(status, "badge-gray")


@register.filter
def any_rows(groups: Any) -> bool:
    """Whether any (line, rows) group of a tab has rows."""
    return any(rows for _, rows in groups or ())


@register.filter
def column_value(row: Any, column: Any) -> Any:
    """The value of a contributed orders-list column (``sales.extensions``) on a row."""
    return getattr(row, column.annotation, None)


def rate_text(rate: Decimal) -> str:
    """An exchange rate as people write it: "121.5", "0.00823" (at most 6 decimals, no trailing zeros)."""
    return f"{rate.quantize(Decimal('0.000001')).normalize():,f}"


@register.simple_tag
def in_base_currency(order: Any, totals: Any, figure: str, *, with_rate: bool = False) -> str:
    """An order figure in the organisation's base currency, in words: "= BDT 878,445.00", and ``with_rate`` how it
    was converted ("at 121.5 BDT per USD on the order date"). Empty when the order is in the base currency (the page
    says so once), the rate is missing (said once too) or the figure is unknown."""
    base = order.organization.base_currency
    amount = (totals.base or {}).get(figure)
    if order.currency == base or totals.rate is None or amount is None:
        return ""
    text = f"= {base} {floatformat(amount, '2g')}"
    if with_rate:
        text += f" at {rate_text(totals.rate)} {base} per {order.currency} on the order date"
    return text
