"""Assigning a task notifies its assignee (``sales.task_assigned``): on create and on reassignment, never for
assigning oneself, once per change; by e-mail after the commit when the assignee chose e-mail."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from tradeloom.core.events import catalogue
from tradeloom.notifications.models import Notification
from tradeloom.notifications.tests.conftest import committed
from tradeloom.notifications.tests.factories import PreferenceFactory
from tradeloom.sales import work
from tradeloom.sales.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(ctx, in_org):
    return OrderFactory(organization=ctx["org"], merchandiser=ctx["ann"])


def test_the_event_is_declared():
    assert "sales.task_assigned" in catalogue()


def test_a_task_created_for_someone_notifies_them(ctx, order):
    task = work.task_create(
        order=order,
        by=ctx["ann"],
        data={"title": "Chase lab dips", "assignee": ctx["bob"], "due_date": datetime.date(2026, 12, 9)},
    )
    [told] = Notification.objects.filter(recipient=ctx["bob"])
    assert told.kind == "sales.task_assigned"
    assert told.title == "Ann Smith assigned you “Chase lab dips”"
    assert told.message == f"On order {order.number}. Due 9 Dec 2026."
    assert told.link == f"/o/acme/orders/{order.pk}/?tab=tasks"
    assert (told.target_type, told.target_id, told.severity) == ("sales.task", str(task.pk), "info")
    assert Notification.objects.filter(recipient=ctx["ann"]).count() == 0


def test_assigning_oneself_notifies_nobody(ctx, order):
    task = work.task_create(order=order, by=ctx["ann"], data={"title": "Mine", "assignee": ctx["ann"]})
    work.task_update(task=task, by=ctx["ann"], data={"title": "Still mine"})
    assert Notification.objects.count() == 0


def test_reassigning_notifies_the_new_assignee_once(ctx, order):
    task = work.task_create(order=order, by=ctx["ann"], data={"title": "Book the vessel", "priority": "urgent"})
    assert Notification.objects.count() == 0
    work.task_update(task=task, by=ctx["ann"], data={"assignee": ctx["bob"]})
    work.task_update(task=task, by=ctx["ann"], data={"title": "Book the vessel now"})  # same assignee: nothing new
    work.task_update(task=task, by=ctx["ann"], data={"assignee": ctx["owner"]})
    work.task_update(task=task, by=ctx["ann"], data={"assignee": None})
    rows = list(Notification.objects.order_by("created_at", "id").values_list("recipient_id", "severity"))
    assert rows == [(ctx["bob"].pk, "warning"), (ctx["owner"].pk, "warning")]


def test_an_assignee_who_chose_email_gets_one_after_the_commit(ctx, order, django_capture_on_commit_callbacks):
    PreferenceFactory(organization=ctx["org"], membership=ctx["bob"], kind="sales.task_assigned", channel="email")
    with committed(django_capture_on_commit_callbacks):
        work.task_create(order=order, by=ctx["ann"], data={"title": "Chase lab dips", "assignee": ctx["bob"]})
    [message] = mail.outbox
    assert message.to == ["bob@example.com"]
    assert message.subject == "Ann Smith assigned you “Chase lab dips” · Acme Sourcing"


def test_an_assignee_who_turned_it_off_is_not_told(ctx, order):
    PreferenceFactory(organization=ctx["org"], membership=ctx["bob"], kind="sales.task_assigned", channel="off")
    work.task_create(order=order, by=ctx["ann"], data={"title": "Chase lab dips", "assignee": ctx["bob"]})
    assert Notification.objects.count() == 0
