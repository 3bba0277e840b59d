from typing import Any

from django import template

register = template.Library()


@register.filter
def invitation_state(invitation: Any, now: Any) -> str:
    return str(invitation.state_at(now))
