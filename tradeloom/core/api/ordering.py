"""``?ordering=`` for resources: a whitelist mapped to keyset orderings that end in a unique column."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError


def resolve_ordering(raw: str | None, allowed: dict[str, tuple[str, ...]], default: tuple[str, ...]) -> tuple[str, ...]:
    if not raw:
        return default
    if raw not in allowed:
        raise ValidationError({"ordering": [f"Choose one of: {', '.join(sorted(allowed))}."]})
    return allowed[raw]
