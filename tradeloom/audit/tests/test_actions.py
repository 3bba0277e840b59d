"""The catalogue of audit actions (``audit.actions``) and the check ``audit_record`` makes against it: a name is a
catalogued constant, and its prefix is its target's audit prefix — one record, one prefix."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import import_module, util
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps

from tradeloom.audit import actions
from tradeloom.audit.actions import Action, JobAction, actions_register, catalogue, is_catalogued, prefix_of
from tradeloom.audit.models import AuditEvent
from tradeloom.audit.services import audit_record, audit_record_many
from tradeloom.core.context import tenant_context
from tradeloom.records.models import RecordModel
from tradeloom.records.services import RECORD_VERBS
from tradeloom.sales.events import LineAction, OrderAction
from tradeloom.sales.models import Line, Order
from tradeloom.sales.tests.factories import LineFactory
from tradeloom.tenancy.events import MembershipAction, OrganizationAction
from tradeloom.tenancy.models import Membership, Organization

ACTION_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


def app_events_modules() -> list[ModuleType]:
    """``<app>.events`` of every installed Tradeloom app that has one."""
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("tradeloom.") and util.find_spec(f"{config.name}.events") is not None:
            found.append(import_module(f"{config.name}.events"))
    return found


def declared_action_enums() -> list[type[Action]]:
    """Every Action enum declared in an app's events.py (and core's own JobAction in audit.actions)."""
    enums: list[type[Action]] = [JobAction]
    for module in app_events_modules():
        enums += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Action)
            and value is not Action
            and value.__module__ == module.__name__
        ]
    return enums


def models_by_prefix() -> dict[str, list[str]]:
    by_prefix: dict[str, list[str]] = {}
    for model in apps.get_models():
        by_prefix.setdefault(prefix_of(model), []).append(model._meta.label)
    return by_prefix


@pytest.fixture
def forget_registered() -> Iterator[None]:
    """Names a test registers leave the catalogue afterwards."""
    before = dict(actions._registered)
    yield
    actions._registered.clear()
    actions._registered.update(before)
    actions._known = None


# --- the catalogue ------------------------------------------------------------------------------------------------


def test_every_app_declares_its_actions_in_events_py():
    # given / when
    modules = {module.__name__ for module in app_events_modules()}

    # then
    assert {
        "tradeloom.accounts.events",
        "tradeloom.approvals.events",
        "tradeloom.sales.events",
        "tradeloom.tenancy.events",
    } <= modules


def test_the_catalogue_holds_every_member_of_every_apps_action_enums():
    # given
    enums = declared_action_enums()
    assert len(enums) > 10

    # when
    listed = catalogue()

    # then: every member, attributed to the enum that declares it
    for enum_ in enums:
        for member in enum_:
            assert listed.get(str(member)) == f"{enum_.__module__}.{enum_.__qualname__}", member


def test_the_catalogue_holds_the_generated_record_verbs():
    # given
    listed = catalogue()

    # when / then: five verbs for each record model, from the records app (an app's enum may declare one of them
    # too, as sales' OrderAction.CREATED does; the enum is then named as its source)
    for name in ("supplier.created", "customer.archived", "sales_order.updated", "item.deleted", "carrier.restored"):
        assert name in listed, name
    from_enums = {str(member) for enum_ in declared_action_enums() for member in enum_}
    record_models = [model for model in apps.get_models() if issubclass(model, RecordModel)]
    assert len(record_models) >= 10
    for model in record_models:
        for verb in RECORD_VERBS:
            name = f"{prefix_of(model)}.{verb}"
            assert name in listed, name
            if name not in from_enums:
                assert listed[name] == f"records: {model._meta.label}", name


def test_the_catalogue_names_a_few_known_actions_with_their_enums():
    # given / when
    listed = catalogue()

    # then
    assert listed["sales_order.created"] == "tradeloom.sales.events.OrderAction"
    assert listed["membership.role_changed"] == "tradeloom.tenancy.events.MembershipAction"
    assert listed["job.started"] == "tradeloom.audit.actions.JobAction"
    assert listed["sales_line.gate_rule_overridden"] == "tradeloom.approvals.events.LineGatingAction"


def test_the_catalogue_is_sorted_and_every_name_is_prefix_dot_verb():
    # given / when
    listed = catalogue()

    # then
    assert list(listed) == sorted(listed)
    assert [name for name in listed if not ACTION_NAME.match(name)] == []


def test_one_record_one_prefix_every_prefix_in_the_catalogue_belongs_to_exactly_one_model():
    # given
    by_prefix = models_by_prefix()

    # when
    prefixes = {name.split(".", 1)[0] for name in catalogue()}

    # then
    owners = {prefix: by_prefix.get(prefix, []) for prefix in prefixes}
    assert {prefix: models for prefix, models in owners.items() if len(models) != 1} == {}


def test_no_two_models_share_an_audit_prefix():
    # given / when
    shared = {prefix: labels for prefix, labels in models_by_prefix().items() if len(labels) > 1}

    # then
    assert shared == {}


def test_the_prefix_is_the_models_audit_prefix_else_its_model_name(db):
    # given / when / then: a model or an instance
    assert prefix_of(Order) == "sales_order"
    assert prefix_of(Line) == "sales_line"
    assert prefix_of(Organization) == "organization"
    assert prefix_of(Membership) == "membership"
    assert prefix_of(Organization(name="x", slug="x")) == "organization"


def test_a_registered_name_joins_the_catalogue_with_its_source(forget_registered):
    # given
    assert not is_catalogued("sales_order.teleported")

    # when
    actions_register(["sales_order.teleported"], source="tests: a generator")

    # then
    assert is_catalogued("sales_order.teleported")
    assert catalogue()["sales_order.teleported"] == "tests: a generator"


def test_an_enum_member_is_catalogued_and_a_free_string_is_not():
    # given / when / then
    assert is_catalogued(OrderAction.CREATED)
    assert is_catalogued("sales_order.created")
    assert not is_catalogued("sales_order.creatd")
    assert not is_catalogued("")


# --- the check in audit_record ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_uncatalogued_action_raises_and_writes_nothing(org, owner):
    # given
    with tenant_context(org):
        before = AuditEvent.objects.count()

        # when
        with pytest.raises(ValueError, match="not a catalogued audit action") as refused:
            audit_record(actor=owner, action="organization.renamed", target=org)

        # then
        assert "'organization.renamed'" in str(refused.value)
        assert AuditEvent.objects.count() == before
        assert not AuditEvent.objects.filter(action="organization.renamed").exists()


@pytest.mark.django_db
def test_an_uncatalogued_action_without_a_target_raises_too(org, owner):
    # given
    with tenant_context(org):
        before = AuditEvent.objects.count()

        # when
        with pytest.raises(ValueError, match="not a catalogued audit action"):
            audit_record(actor=owner, action="something.happened", organization=org)

        # then
        assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_a_catalogued_action_of_another_record_type_raises_and_writes_nothing(org, owner):
    # given: an order's action, aimed at the organisation
    with tenant_context(org):
        before = AuditEvent.objects.count()

        # when
        with pytest.raises(
            ValueError, match=r"cannot target this organization \(Organization\): its actions start with organization\."
        ) as refused:
            audit_record(actor=owner, action=OrderAction.CREATED, target=org)

        # then
        assert "'sales_order.created'" in str(refused.value)
        assert AuditEvent.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "target"),
    [
        (MembershipAction.CREATED, "org"),
        (OrganizationAction.UPDATED, "owner"),
        (LineAction.UPDATED, "owner"),
    ],
)
def test_any_prefix_mismatch_is_refused(org, owner, action, target):
    # given
    targets: dict[str, Any] = {"org": org, "owner": owner}

    # when / then
    with tenant_context(org), pytest.raises(ValueError, match="cannot target this"):
        audit_record(actor=owner, action=action, target=targets[target])


@pytest.mark.django_db
def test_a_catalogued_action_on_its_own_record_is_written(org, owner):
    # given
    with tenant_context(org):
        # when
        event = audit_record(
            actor=owner,
            action=OrganizationAction.UPDATED,
            organization=org,
            target=org,
            changes={"name": ["Old", "New"]},
        )

        # then
        stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "organization.updated"
    assert (stored.target_type, stored.target_id) == ("tenancy.organization", str(org.pk))
    assert stored.organization_id == org.pk
    assert stored.actor_id == owner.user_id


@pytest.mark.django_db
def test_a_catalogued_action_without_a_target_is_written(org, owner):
    # given
    with tenant_context(org):
        # when
        event = audit_record(actor=owner, action=JobAction.STARTED, organization=org)

        # then
        assert AuditEvent.objects.filter(pk=event.pk, action="job.started", target_type="").exists()


@pytest.mark.django_db
def test_audit_record_many_refuses_a_target_of_another_record_type_and_writes_nothing(org, owner):
    # given: a line action aimed at orders
    line = LineFactory(organization=org)
    with tenant_context(org):
        before = AuditEvent.objects.count()

        # when
        with pytest.raises(ValueError, match=r"cannot target this order \(Order\)"):
            audit_record_many(
                action=LineAction.STATUS_CHANGED,
                actor=owner,
                changes_by_target=[(line.order, {"status": ["a", "b"]})],
            )

        # then
        assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_audit_record_many_refuses_an_uncatalogued_action(org, owner):
    # given
    line = LineFactory(organization=org)

    # when / then
    with tenant_context(org), pytest.raises(ValueError, match="not a catalogued audit action"):
        audit_record_many(action="sales_line.teleported", actor=owner, changes_by_target=[(line, {})])
