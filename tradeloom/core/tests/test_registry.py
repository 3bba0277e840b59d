"""``core.registry.Registry``: what apps contribute to a place another app owns, keyed, in registration order."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tradeloom.core.registry import Registry


@dataclass(frozen=True)
class Item:
    label: str


def test_registering_returns_the_item_and_makes_it_reachable_by_key():
    # given
    registry: Registry[Item] = Registry("things")
    orders = Item("Orders")

    # when
    returned = registry.register("orders", orders)

    # then
    assert returned is orders
    assert registry["orders"] is orders
    assert registry.get("orders") is orders
    assert "orders" in registry
    assert len(registry) == 1


def test_the_same_key_with_an_equal_item_is_a_no_op():
    # given
    registry: Registry[Item] = Registry("things")
    registry.register("orders", Item("Orders"))
    registry.register("members", Item("Members"))

    # when: ready() runs again and registers an equal item under the same key
    registry.register("orders", Item("Orders"))

    # then: nothing is added and the key keeps its place
    assert len(registry) == 2
    assert registry.keys() == ["orders", "members"]
    assert registry["orders"] == Item("Orders")


def test_the_same_key_with_a_different_item_raises_and_keeps_the_first():
    # given
    registry: Registry[Item] = Registry("navigation")
    registry.register("orders", Item("Orders"))

    # when
    with pytest.raises(ValueError, match="already registered") as refused:
        registry.register("orders", Item("Sales orders"))

    # then: the message names the registry and the key; the first item stays
    assert "navigation" in str(refused.value)
    assert "'orders'" in str(refused.value)
    assert registry["orders"] == Item("Orders")
    assert len(registry) == 1


def test_items_keep_the_order_they_were_registered_in():
    # given
    registry: Registry[Item] = Registry("things")
    names = ["zeta", "alpha", "mu", "beta"]

    # when
    for name in names:
        registry.register(name, Item(name.title()))

    # then: registration order, not alphabetical
    assert registry.keys() == names
    assert [item.label for item in registry] == ["Zeta", "Alpha", "Mu", "Beta"]
    assert registry.items() == [(name, Item(name.title())) for name in names]


def test_an_unknown_key_is_none_with_get_and_a_key_error_with_brackets():
    # given
    registry: Registry[Item] = Registry("things")
    registry.register("orders", Item("Orders"))

    # when / then
    assert registry.get("invoices") is None
    assert "invoices" not in registry
    with pytest.raises(KeyError):
        registry["invoices"]


def test_an_empty_registry_has_nothing():
    # given
    registry: Registry[Item] = Registry("things")

    # when / then
    assert len(registry) == 0
    assert registry.keys() == []
    assert registry.items() == []
    assert list(registry) == []


def test_keys_and_items_are_copies_a_caller_cannot_change_the_registry_through():
    # given
    registry: Registry[Item] = Registry("things")
    registry.register("orders", Item("Orders"))

    # when
    registry.keys().append("smuggled")
    registry.items().append(("smuggled", Item("Smuggled")))

    # then
    assert registry.keys() == ["orders"]
    assert "smuggled" not in registry


def test_registering_while_iterating_does_not_break_the_iteration():
    # given
    registry: Registry[Item] = Registry("things")
    registry.register("a", Item("A"))
    registry.register("b", Item("B"))

    # when: iteration works on a snapshot
    seen = []
    for item in registry:
        seen.append(item.label)
        registry.register(f"late-{item.label}", Item(f"Late {item.label}"))

    # then
    assert seen == ["A", "B"]
    assert registry.keys() == ["a", "b", "late-A", "late-B"]


def test_the_repr_names_the_registry_and_its_keys():
    # given
    registry: Registry[Item] = Registry("job kinds")
    registry.register("audit_export", Item("Audit export"))

    # when
    text = repr(registry)

    # then
    assert text == "Registry('job kinds', ['audit_export'])"
