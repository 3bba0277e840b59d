"""How notifications answer other apps' events (one small function per subscription)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import dateformat

from tradeloom.notifications.kinds import TASK_ASSIGNED
from tradeloom.notifications.services import notify
from tradeloom.sales.events import TaskAssigned


def _name(membership: object) -> str:
    user = getattr(membership, "user", None)
    return (getattr(user, "full_name", "") or getattr(user, "email", "")) or "Someone"


def notify_task_assignee(event: TaskAssigned) -> None:
    """Tell the new assignee of a task (in the assigning transaction; an e-mail follows its commit)."""
    task = event.task
    order = task.order
    due = f" Due {dateformat.format(task.due_date, 'j M Y')}." if task.due_date else ""
    slug = event.by.organization.slug  # the assigner's organisation, resolved with them
    link = reverse("sales:order", kwargs={"org_slug": slug, "order_id": order.pk}) + "?tab=tasks"
    notify(
        organization=task.organization_id,
        recipients=[event.assignee],
        kind=TASK_ASSIGNED.code,
        title=f"{_name(event.by)} assigned you “{task.title}”",
        message=f"On order {order.number}.{due}",
        severity="warning" if task.priority in ("high", "urgent") else "info",
        link=link,
        target=task,
    )
