"""The capability registry (``tenancy.roles``) and each app's ``capabilities.py``: who may do what."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib import import_module, util

import pytest
from django.apps import apps

from tradeloom.tenancy import roles
from tradeloom.tenancy.roles import (
    ALL_POWERFUL,
    Capability,
    Role,
    all_capabilities,
    capabilities_of,
    capability,
    role_has,
)

READS = {
    "catalog.view",
    "partners.view",
    "orders.view",
    "organization.view",
    "members.view",
    "notifications.view",
    "alerts.view",
    "shipments.view",
    "proformas.view",
    "lcs.view",
    "invoices.view",
    "payments.view",
    "purchasing.view",
    "inventory.view",
    "production.view",
    "tna.view",
    "documents.view",
    "printing.view",
}
# One's own inbox and settings: every role, the viewer too.
PERSONAL = {"notifications.manage"}
MASTER_DATA = {"catalog.manage", "partners.manage"}
ONLY_OWNERS_AND_ADMINS = {
    "organization.manage",
    "members.manage",
    "invitations.manage",
    "audit.view",
    "alerts.manage",
    "webhooks.manage",
}

# The product's rules: the capabilities each role holds (owners and admins hold every one).
# Trade finance: merchandisers raise proforma invoices; accounts staff run LCs, invoices and payments.
FINANCE = {"proformas.manage", "lcs.manage", "invoices.manage", "payments.manage"}
# Purchasing: merchandisers and managers raise POs, managers approve those above the limit; stock is kept by them and
# by accounts staff (valuation, counts).
BUYING = {"purchasing.manage", "inventory.manage"}
# Production and T&A: merchandisers and managers run work orders, report the mills' figures and keep the plans;
# managers own the templates.
MAKING = {"production.manage", "production.report", "tna.manage"}
# Documents in and out: managers, merchandisers and accounts staff attach files, export in the background and print
# PDFs (staff and viewers read and download); managers keep the print profile.
PAPER = {"documents.attach", "exports.run", "printing.generate"}
RULES: dict[str, set[str]] = {
    Role.MANAGER: READS
    | PERSONAL
    | MASTER_DATA
    | FINANCE
    | BUYING
    | MAKING
    | PAPER
    | {"orders.manage", "shipments.manage", "invitations.view", "purchasing.approve", "tna.templates"}
    | {"printing.manage"}
    | {"imports.run"}  # importing files: managers (and each entity's own manage capability)
    | {"reports.view"},  # the manager's reports: managers and accounts staff
    Role.MERCHANDISER: READS
    | PERSONAL
    | MASTER_DATA
    | BUYING
    | MAKING
    | PAPER
    | {"orders.manage", "shipments.manage", "proformas.manage"},
    Role.ACCOUNTS: READS | PERSONAL | MASTER_DATA | FINANCE | PAPER | {"inventory.manage", "reports.view"},
    Role.STAFF: READS | PERSONAL,
    Role.VIEWER: READS | PERSONAL,
}
EVERY_CODE = (
    READS
    | PERSONAL
    | MASTER_DATA
    | ONLY_OWNERS_AND_ADMINS
    | FINANCE
    | BUYING
    | MAKING
    | PAPER
    | {"orders.manage", "shipments.manage", "invitations.view", "purchasing.approve", "tna.templates"}
    | {"printing.manage"}
    | {"imports.run"}
    | {"reports.view"}
)


def codes(capabilities: Iterable[Capability]) -> set[str]:
    return {str(cap) for cap in capabilities}


@pytest.fixture
def forget_declared() -> Iterator[None]:
    """Capabilities a test declares leave the registry afterwards."""
    before = dict(roles._REGISTRY)
    yield
    roles._REGISTRY.clear()
    roles._REGISTRY.update(before)


# --- declaring ------------------------------------------------------------------------------------------------------


def test_declaring_a_capability_registers_it_with_owners_and_admins(forget_declared):
    # given / when
    declared = Capability("gauges.view", "See gauges", roles=(Role.STAFF,))

    # then
    assert capability("gauges.view") is declared
    assert declared == "gauges.view"
    assert declared.value == "gauges.view"
    assert declared.label == "See gauges"
    assert declared.roles == frozenset({Role.STAFF, Role.OWNER, Role.ADMIN})
    assert all_capabilities()[-1] is declared


def test_declaring_a_code_twice_raises_and_keeps_the_first(forget_declared):
    # given
    first = capability("orders.view")

    # when
    with pytest.raises(ValueError, match="declared twice"):
        Capability("orders.view", "Something else", roles=())

    # then
    assert capability("orders.view") is first
    assert first.label == "See orders, their money and approvals"


def test_declaring_a_new_code_twice_raises(forget_declared):
    # given
    Capability("gauges.view", "See gauges", roles=())

    # when / then
    with pytest.raises(ValueError, match=r"'gauges\.view' is declared twice"):
        Capability("gauges.view", "See gauges", roles=())


def test_a_code_without_a_dot_is_refused(forget_declared):
    # given
    before = all_capabilities()

    # when
    with pytest.raises(ValueError, match=r"<area>\.<verb>"):
        Capability("reports", "Reports", roles=())

    # then
    assert all_capabilities() == before


@pytest.mark.parametrize("code", ["reports.manage", "reports.export", "reports.viewer"])
def test_a_capability_that_changes_things_cannot_be_granted_to_the_viewer(forget_declared, code):
    # given
    before = all_capabilities()

    # when
    with pytest.raises(ValueError, match="viewer role only reads"):
        Capability(code, "Change reports", roles=(Role.VIEWER, Role.MANAGER))

    # then: nothing was registered
    assert all_capabilities() == before
    assert code not in codes(all_capabilities())


def test_a_view_capability_may_be_granted_to_the_viewer(forget_declared):
    # given / when
    declared = Capability("gauges.view", "See gauges", roles=(Role.VIEWER,))

    # then
    assert declared.is_read_only
    assert role_has(Role.VIEWER, declared)


def test_a_capabilitys_template_key_and_read_only_flag():
    # given
    orders_view, orders_manage = capability("orders.view"), capability("orders.manage")

    # when / then
    assert (orders_view.key, orders_view.is_read_only) == ("orders_view", True)
    assert (orders_manage.key, orders_manage.is_read_only) == ("orders_manage", False)


# --- the registry is complete --------------------------------------------------------------------------------------


def test_every_apps_capabilities_module_is_in_the_registry():
    # given: what each installed app's capabilities.py declares
    declared: list[Capability] = []
    for config in apps.get_app_configs():
        if config.name.startswith("tradeloom.") and util.find_spec(f"{config.name}.capabilities") is not None:
            module = import_module(f"{config.name}.capabilities")
            declared += [value for value in vars(module).values() if isinstance(value, Capability)]

    # when
    registered = all_capabilities()

    # then: the same objects, nothing else
    assert len(declared) == len(registered)
    assert {id(cap) for cap in declared} == {id(cap) for cap in registered}


def test_the_registry_holds_exactly_the_products_capabilities():
    # given / when
    registered = codes(all_capabilities())

    # then
    assert registered == EVERY_CODE


def test_all_capabilities_is_a_copy():
    # given
    listed = all_capabilities()

    # when
    listed.clear()

    # then
    assert len(all_capabilities()) == len(EVERY_CODE)


# --- who holds what -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(ALL_POWERFUL))
def test_owners_and_admins_hold_every_capability(role):
    # given / when
    held = capabilities_of(role)

    # then
    assert held == frozenset(all_capabilities())
    assert all(role_has(role, cap) for cap in all_capabilities())


@pytest.mark.parametrize("role", sorted(RULES))
def test_each_role_holds_exactly_what_the_rules_say(role):
    # given
    expected = RULES[role]

    # when
    held = codes(capabilities_of(role))

    # then
    assert held == expected


@pytest.mark.parametrize("role", [Role.VIEWER, Role.STAFF])
def test_viewers_and_staff_only_read(role):
    # given / when
    held = capabilities_of(role)

    # then: beyond reading, only their own inbox and settings
    assert held
    assert all(cap.is_read_only or cap.personal for cap in held)
    assert {cap for cap in held if not cap.is_read_only} == PERSONAL


def test_a_viewer_may_hold_a_personal_capability_but_no_other_change(forget_declared):
    Capability("diary.keep", "Keep one's own diary", roles=(Role.VIEWER,), personal=True)
    with pytest.raises(ValueError, match="viewer role only reads"):
        Capability("diary.share", "Share diaries", roles=(Role.VIEWER,))


def test_accounts_manage_partners_and_the_catalog_but_only_view_orders():
    # given / when / then
    assert role_has(Role.ACCOUNTS, capability("partners.manage"))
    assert role_has(Role.ACCOUNTS, capability("catalog.manage"))
    assert role_has(Role.ACCOUNTS, capability("orders.view"))
    assert not role_has(Role.ACCOUNTS, capability("orders.manage"))


def test_managers_see_invitations_and_merchandisers_manage_orders():
    # given / when / then
    assert role_has(Role.MANAGER, capability("invitations.view"))
    assert not role_has(Role.MANAGER, capability("invitations.manage"))
    assert role_has(Role.MERCHANDISER, capability("orders.manage"))
    assert not role_has(Role.MERCHANDISER, capability("invitations.view"))


@pytest.mark.parametrize("code", sorted(ONLY_OWNERS_AND_ADMINS))
def test_only_owners_and_admins_hold(code):
    # given
    cap = capability(code)

    # when
    holders = {role for role in Role if role_has(role, cap)}

    # then
    assert holders == {Role.OWNER, Role.ADMIN}


def test_role_has_and_capabilities_of_agree_for_every_role_and_capability():
    # given / when / then
    for role in Role:
        held = capabilities_of(role)
        for cap in all_capabilities():
            assert role_has(role, cap) is (cap in held), (role, cap)


def test_an_unknown_role_holds_nothing():
    # given / when / then
    assert capabilities_of("intern") == frozenset()
    assert capabilities_of("") == frozenset()
    assert not role_has("", capability("orders.view"))
