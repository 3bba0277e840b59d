"""Small helpers for the approvals pages."""

from datetime import date
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key, "") if mapping else ""


@register.filter
def days_since(day: date | None, today: date) -> int | None:
    return (today - day).days if day else None
