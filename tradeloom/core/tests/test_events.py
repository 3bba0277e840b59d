"""``core.events``: declaring events, subscribing in two phases, publishing inside the publisher's transaction."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction

from tradeloom.approvals.models import LineGate
from tradeloom.approvals.services import gates_create_defaults
from tradeloom.audit.models import AuditEvent
from tradeloom.catalog.models import UnitOfMeasure
from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core import events
from tradeloom.core.context import tenant_context
from tradeloom.core.events import Event, Phase, catalogue, publish, subscribe, subscribers
from tradeloom.core.exceptions import ApplicationError
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales import services as sales
from tradeloom.sales.events import LinesCreated, LineStatusChanging
from tradeloom.sales.models import Line, Order, Style
from tradeloom.sales.tests.factories import LineFactory
from tradeloom.tenancy.events import OrganizationCreated
from tradeloom.tenancy.roles import Role

Subscribe = Callable[..., None]


# --- fixtures: the registries are module-level, so every test leaves them as it found them --------------------


@pytest.fixture
def forget_declared() -> Iterator[None]:
    """Events a test declares leave the catalogue (and their subscriptions go) when it ends."""
    before = dict(Event._declared)
    yield
    for name in set(Event._declared) - set(before):
        declared = Event._declared.pop(name)
        for phase in Phase:
            events._subscribers.pop((declared, phase), None)
    Event._declared.update(before)  # a test that re-declared a name gets the original back


@pytest.fixture
def thing_happened(forget_declared: None) -> type[Event]:
    """A test event, declared for this test only."""

    @dataclass(frozen=True, kw_only=True)
    class ThingHappened(Event):
        name = "tests.thing_happened"
        code: str

    return ThingHappened


@pytest.fixture
def subscribed() -> Iterator[Subscribe]:
    """``subscribed(EventType, handler, phase=…)`` subscribes for this test; the handler is removed afterwards."""
    added: list[tuple[tuple[type[Event], Phase], Any, bool]] = []

    def add(event_type: type[Event], handler: Any, phase: Phase = Phase.IN_TRANSACTION) -> None:
        key = (event_type, phase)
        added.append((key, handler, key in events._subscribers))
        subscribe(event_type, handler, phase=phase)

    yield add
    for key, handler, existed in reversed(added):
        handlers = events._subscribers.get(key, [])
        while handler in handlers:
            handlers.remove(handler)
        if not existed and not handlers:
            events._subscribers.pop(key, None)


# --- helpers: a small service that writes, publishes, then writes again -------------------------------------------


def unit_write(organization: Any, code: str) -> UnitOfMeasure:
    return UnitOfMeasure.objects.create(
        organization=organization,
        code=code,
        name=code,
        dimension=UnitOfMeasure.Dimension.LENGTH,
        factor=Decimal("1"),
    )


def unit_codes(*codes: str) -> set[str]:
    return set(UnitOfMeasure.objects.filter(code__in=codes).values_list("code", flat=True))


def rolled_back(work: Callable[[], Any]) -> None:
    """Run ``work`` in a transaction (a savepoint in a test) that then rolls back."""
    with transaction.atomic():
        work()
        raise RuntimeError("rolled back")


@transaction.atomic
def thing_do(*, organization: Any, event_type: type[Event], code: str) -> None:
    """Like a service: writes a row, publishes (its subscribers may refuse), then writes what follows."""
    unit_write(organization, code)
    publish(event_type(code=code))  # type: ignore[call-arg]
    unit_write(organization, f"{code}-after")


# --- declaring events ----------------------------------------------------------------------------------------------


def test_an_event_without_a_name_cannot_be_declared(forget_declared):
    # given
    before = catalogue()

    # when
    with pytest.raises(TypeError, match="needs a catalogue name"):

        class Nameless(Event):
            pass

    # then
    assert catalogue() == before


@pytest.mark.parametrize("bad_name", ["thing_happened", "tests_thing_happened", ""])
def test_an_event_name_without_a_dot_cannot_be_declared(forget_declared, bad_name):
    # given
    before = catalogue()

    # when
    with pytest.raises(TypeError, match="needs a catalogue name"):

        class Undotted(Event):
            name = bad_name

    # then
    assert catalogue() == before


def test_two_different_classes_cannot_share_a_name(forget_declared):
    # given
    @dataclass(frozen=True, kw_only=True)
    class First(Event):
        name = "tests.clash"

    # when
    with pytest.raises(TypeError, match="taken by") as refused:

        @dataclass(frozen=True, kw_only=True)
        class Second(Event):
            name = "tests.clash"

    # then: the first keeps the name
    assert "First" in str(refused.value)
    assert catalogue()["tests.clash"] is First


def test_a_real_events_name_cannot_be_taken_by_another_class(forget_declared):
    # given
    assert catalogue()["sales.lines_created"] is LinesCreated

    # when
    with pytest.raises(TypeError, match=r"taken by tradeloom\.sales\.events\.LinesCreated"):

        class Impostor(Event):
            name = "sales.lines_created"

    # then
    assert catalogue()["sales.lines_created"] is LinesCreated


def test_the_same_class_declared_again_replaces_itself(forget_declared):
    # given: a module imported twice declares "the same" class twice (same qualified name)
    def declare() -> type[Event]:
        @dataclass(frozen=True, kw_only=True)
        class Reloaded(Event):
            name = "tests.reloaded"

        return Reloaded

    first = declare()

    # when
    second = declare()

    # then
    assert second is not first
    assert catalogue()["tests.reloaded"] is second


def test_an_event_is_frozen(thing_happened):
    # given
    event = thing_happened(code="A")

    # when / then
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.code = "B"


# --- the catalogue -------------------------------------------------------------------------------------------------


def test_the_catalogue_lists_the_real_events():
    # given / when
    listed = catalogue()

    # then
    assert listed["tenancy.organization_created"] is OrganizationCreated
    assert listed["sales.lines_created"] is LinesCreated
    assert listed["sales.line_status_changing"] is LineStatusChanging


def test_the_catalogue_is_sorted_by_name_and_each_class_carries_its_name():
    # given / when
    listed = catalogue()

    # then
    assert list(listed) == sorted(listed)
    assert all(event_type.name == name for name, event_type in listed.items())
    assert all(issubclass(event_type, Event) for event_type in listed.values())


def test_the_catalogue_is_a_copy(forget_declared):
    # given
    listed = catalogue()

    # when
    listed["tests.smuggled"] = LinesCreated

    # then
    assert "tests.smuggled" not in catalogue()


def test_a_declared_event_joins_the_catalogue(thing_happened):
    # given / when: the fixture declared it

    # then
    assert catalogue()["tests.thing_happened"] is thing_happened


# --- subscribing ---------------------------------------------------------------------------------------------------


def test_subscribing_the_same_handler_twice_is_a_no_op(thing_happened, subscribed, db):
    # given
    calls: list[Event] = []

    def handler(event: Event) -> None:
        calls.append(event)

    subscribed(thing_happened, handler)

    # when
    subscribed(thing_happened, handler)
    with transaction.atomic():
        publish(thing_happened(code="A"))

    # then
    assert subscribers(thing_happened, Phase.IN_TRANSACTION) == [handler]
    assert len(calls) == 1


def test_a_handler_may_subscribe_to_both_phases(thing_happened, subscribed):
    # given
    def handler(event: Event) -> None:
        pass

    # when
    subscribed(thing_happened, handler, Phase.IN_TRANSACTION)
    subscribed(thing_happened, handler, Phase.AFTER_COMMIT)

    # then
    assert subscribers(thing_happened, Phase.IN_TRANSACTION) == [handler]
    assert subscribers(thing_happened, Phase.AFTER_COMMIT) == [handler]


def test_subscribing_defaults_to_the_in_transaction_phase(thing_happened, forget_declared):
    # given
    def handler(event: Event) -> None:
        pass

    # when: forget_declared drops this event's subscriptions afterwards
    subscribe(thing_happened, handler)

    # then
    assert subscribers(thing_happened, Phase.IN_TRANSACTION) == [handler]
    assert subscribers(thing_happened, Phase.AFTER_COMMIT) == []


def test_subscribers_is_a_copy(thing_happened, subscribed):
    # given
    def handler(event: Event) -> None:
        pass

    subscribed(thing_happened, handler)

    # when
    subscribers(thing_happened, Phase.IN_TRANSACTION).append(print)

    # then
    assert subscribers(thing_happened, Phase.IN_TRANSACTION) == [handler]


def test_an_event_nobody_subscribed_to_has_no_subscribers(thing_happened):
    # given / when / then
    assert subscribers(thing_happened, Phase.IN_TRANSACTION) == []
    assert subscribers(thing_happened, Phase.AFTER_COMMIT) == []


# --- publishing: outside a transaction ------------------------------------------------------------------------------


def test_publishing_outside_a_transaction_raises(thing_happened, subscribed):
    # given: no database access, so no transaction is open
    calls: list[Event] = []
    subscribed(thing_happened, calls.append)
    assert connection.in_atomic_block is False

    # when
    with pytest.raises(RuntimeError, match="ThingHappened was published outside a transaction"):
        publish(thing_happened(code="A"))

    # then: no subscriber ran
    assert calls == []


# --- publishing: in-transaction subscribers ---------------------------------------------------------------------


@pytest.mark.django_db
def test_in_transaction_subscribers_run_at_once_in_subscription_order(thing_happened, subscribed):
    # given
    calls: list[tuple[str, str]] = []
    subscribed(thing_happened, lambda event: calls.append(("first", event.code)))
    subscribed(thing_happened, lambda event: calls.append(("second", event.code)))
    subscribed(thing_happened, lambda event: calls.append(("third", event.code)))

    # when
    with transaction.atomic():
        publish(thing_happened(code="A"))
        during = list(calls)  # before the block ends

    # then
    assert during == [("first", "A"), ("second", "A"), ("third", "A")]
    assert calls == during


@pytest.mark.django_db
def test_an_in_transaction_subscriber_sees_the_publishers_uncommitted_rows(org, thing_happened, subscribed):
    # given
    seen: list[tuple[set[str], list[str]]] = []

    def look(event: Any) -> None:
        seen.append((unit_codes(event.code), list(connection.savepoint_ids)))

    subscribed(thing_happened, look)

    # when
    with tenant_context(org):
        savepoints_outside = list(connection.savepoint_ids)
        thing_do(organization=org, event_type=thing_happened, code="pub")

    # then: it ran inside the service's own savepoint, where the service's row is visible
    [(codes, savepoints)] = seen
    assert codes == {"pub"}
    assert len(savepoints) == len(savepoints_outside) + 1


@pytest.mark.django_db
def test_an_in_transaction_subscribers_writes_commit_with_the_publishers(org, thing_happened, subscribed):
    # given
    subscribed(thing_happened, lambda event: unit_write(org, f"{event.code}-sub"))

    # when
    with tenant_context(org):
        thing_do(organization=org, event_type=thing_happened, code="ok")

        # then
        assert unit_codes("ok", "ok-sub", "ok-after") == {"ok", "ok-sub", "ok-after"}


@pytest.mark.django_db
def test_an_in_transaction_subscribers_writes_roll_back_with_the_publishers(org, thing_happened, subscribed):
    # given
    subscribed(thing_happened, lambda event: unit_write(org, f"{event.code}-sub"))

    written: list[set[str]] = []

    def work() -> None:
        thing_do(organization=org, event_type=thing_happened, code="gone")
        written.append(unit_codes("gone", "gone-sub", "gone-after"))

    with tenant_context(org):
        # when: the caller's transaction rolls back after the service and its subscriber wrote
        with pytest.raises(RuntimeError, match="rolled back"):
            rolled_back(work)

        # then
        assert written == [{"gone", "gone-sub", "gone-after"}]
        assert unit_codes("gone", "gone-sub", "gone-after") == set()


@pytest.mark.django_db
def test_a_refusing_subscriber_stops_the_service_and_nothing_it_wrote_is_kept(org, thing_happened, subscribed):
    # given: the first subscriber writes, the second refuses, the third never runs
    calls: list[str] = []

    def write(event: Any) -> None:
        calls.append("write")
        unit_write(org, f"{event.code}-sub")

    def refuse(event: Any) -> None:
        calls.append("refuse")
        raise ApplicationError("Not today.", code="refused", status=409)

    subscribed(thing_happened, write)
    subscribed(thing_happened, refuse)
    subscribed(thing_happened, lambda event: calls.append("third"))

    with tenant_context(org):
        # when
        with pytest.raises(ApplicationError) as refused:
            thing_do(organization=org, event_type=thing_happened, code="no")

        # then: the refusal reaches the caller as it was raised, and no row of the service survives
        assert (refused.value.code, refused.value.status) == ("refused", 409)
        assert calls == ["write", "refuse"]
        assert unit_codes("no", "no-sub", "no-after") == set()


@pytest.mark.django_db
def test_a_refusal_after_order_create_inserted_its_rows_keeps_none_of_them(org, member, subscribed):
    # given: the real order service; approvals' subscriber (earlier in the list) gives the lines their gates, then
    # a later subscriber refuses
    merch = member(Role.MERCHANDISER)
    customer = CustomerFactory(organization=org)
    unit = UnitFactory(organization=org, code="m")
    seen: dict[str, Any] = {}

    def refuse(event: LinesCreated) -> None:
        seen["lines"] = len(event.lines)
        seen["line_gates"] = LineGate.objects.filter(line__in=[line.pk for line in event.lines]).count()
        raise ApplicationError("Credit limit reached.", code="credit_limit")

    with tenant_context(org):
        gates_create_defaults(organization=org, by=merch)
    subscribed(LinesCreated, refuse)

    with tenant_context(org, user=merch.user):
        # when
        with pytest.raises(ApplicationError) as refused:
            sales.order_create(
                organization=org,
                by=merch,
                data={"po_number": "PO-9", "customer": customer, "currency": "USD", "order_date": date(2026, 11, 1)},
                styles=[{"style_number": "TEE", "lines": [{"colour_code": "NAVY", "quantity": 10, "unit": unit}]}],
            )

        # then: the subscriber ran with the lines inserted and gated, yet nothing is kept
        assert refused.value.code == "credit_limit"
        assert seen["lines"] == 1
        assert seen["line_gates"] > 0
        assert not Order.objects.filter(po_number="PO-9").exists()
        assert not Style.objects.filter(style_number="TEE").exists()
        assert not Line.objects.filter(colour_code="NAVY").exists()
        assert not LineGate.objects.exists()
        assert not AuditEvent.objects.filter(action="sales_order.created").exists()


@pytest.mark.django_db
def test_a_line_status_changing_subscriber_sees_the_line_before_it_moves_and_may_refuse(org, member, subscribed):
    # given: a line move with no gating rule, and a subscriber that looks and then refuses
    merch = member(Role.MERCHANDISER)
    line = LineFactory(organization=org)
    seen: list[tuple[str, str, str]] = []

    def refuse(event: LineStatusChanging) -> None:
        seen.append((event.lines[0].status, event.status, event.override_reason))
        raise ApplicationError("Frozen for stock-take.", code="frozen")

    subscribed(LineStatusChanging, refuse)

    with tenant_context(org, user=merch.user):
        # when
        with pytest.raises(ApplicationError) as refused:
            sales.line_transition(line=line, status=Line.Status.IN_DEVELOPMENT, by=merch)

        # then
        assert refused.value.code == "frozen"
        assert seen == [(Line.Status.UPCOMING, Line.Status.IN_DEVELOPMENT, "")]
        assert Line.objects.get(pk=line.pk).status == Line.Status.UPCOMING
        assert not AuditEvent.objects.filter(action="sales_line.status_changed").exists()


# --- publishing: after-commit subscribers -------------------------------------------------------------------------


@pytest.mark.django_db
def test_after_commit_subscribers_run_only_once_the_outermost_transaction_commits(
    thing_happened, subscribed, django_capture_on_commit_callbacks
):
    # given
    calls: list[str] = []
    subscribed(thing_happened, lambda event: calls.append(f"in:{event.code}"), Phase.IN_TRANSACTION)
    subscribed(thing_happened, lambda event: calls.append(f"after:{event.code}"), Phase.AFTER_COMMIT)

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            with transaction.atomic():
                publish(thing_happened(code="A"))
                at_publish = list(calls)
            after_inner = list(calls)
        after_outer_block = list(calls)

    # then: the in-transaction one ran at once; the after-commit one waited for the commit
    assert at_publish == ["in:A"]
    assert after_inner == ["in:A"]
    assert after_outer_block == ["in:A"]
    assert len(callbacks) == 1
    assert calls == ["in:A", "after:A"]


@pytest.mark.django_db
def test_after_commit_subscribers_run_in_subscription_order(
    thing_happened, subscribed, django_capture_on_commit_callbacks
):
    # given
    calls: list[str] = []
    for n in ("1", "2", "3"):
        subscribed(thing_happened, lambda event, n=n: calls.append(n), Phase.AFTER_COMMIT)

    # when
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        publish(thing_happened(code="A"))

    # then
    assert calls == ["1", "2", "3"]


@pytest.mark.django_db
def test_after_commit_subscribers_never_run_when_the_transaction_rolls_back(
    thing_happened, subscribed, django_capture_on_commit_callbacks
):
    # given
    calls: list[Event] = []
    subscribed(thing_happened, calls.append, Phase.AFTER_COMMIT)

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError, match="rolled"):
        rolled_back(lambda: publish(thing_happened(code="A")))

    # then
    assert callbacks == []
    assert calls == []


@pytest.mark.django_db
def test_a_refused_change_is_never_announced_after_commit(
    org, thing_happened, subscribed, django_capture_on_commit_callbacks
):
    # given
    announced: list[Event] = []

    def refuse(event: Event) -> None:
        raise ApplicationError("No.", code="refused")

    subscribed(thing_happened, refuse, Phase.IN_TRANSACTION)
    subscribed(thing_happened, announced.append, Phase.AFTER_COMMIT)

    # when
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        tenant_context(org),
        pytest.raises(ApplicationError),
    ):
        thing_do(organization=org, event_type=thing_happened, code="A")

    # then
    assert callbacks == []
    assert announced == []


@pytest.mark.django_db
def test_a_failing_after_commit_subscriber_is_logged_and_the_next_one_still_runs(
    thing_happened, subscribed, django_capture_on_commit_callbacks, caplog
):
    # given
    calls: list[str] = []

    def broken(event: Event) -> None:
        calls.append("broken")
        raise ConnectionError("webhook endpoint down")

    subscribed(thing_happened, broken, Phase.AFTER_COMMIT)
    subscribed(thing_happened, lambda event: calls.append("next"), Phase.AFTER_COMMIT)

    # when
    with (
        caplog.at_level(logging.ERROR, logger="tradeloom.core.events"),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        publish(thing_happened(code="A"))

    # then
    assert calls == ["broken", "next"]
    [record] = [r for r in caplog.records if r.name == "tradeloom.core.events"]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "after-commit subscriber failed"
    assert record.event == "tests.thing_happened"
    assert "broken" in record.handler
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ConnectionError)


@pytest.mark.django_db
def test_after_commit_subscribers_get_the_published_event(
    thing_happened, subscribed, django_capture_on_commit_callbacks
):
    # given
    received: list[Event] = []
    subscribed(thing_happened, received.append, Phase.AFTER_COMMIT)
    event = thing_happened(code="A")

    # when
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        publish(event)

    # then
    assert received == [event]
    assert received[0] is event
