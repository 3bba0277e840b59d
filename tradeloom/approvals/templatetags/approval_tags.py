"""Small helpers for the approvals pages."""

from datetime import date
from typing import Any

from django import template

from tradeloom.approvals.states import BADGES, LABELS

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key, "") if mapping else ""


@register.filter
def days_since(day: date | None, today: date) -> int | None:
    return (today - day).days if day else None


@register.filter
def gate_badge(state: str) -> str:
    return BADGES.get(state, "badge-gray")


@register.filter
def gate_label(state: str) -> str:
    return LABELS.get(state, state)
