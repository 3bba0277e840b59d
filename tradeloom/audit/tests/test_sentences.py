"""Audit events read as sentences (``audit.sentences``): every catalogued action has one, values read as people
read them, the records they name are labelled (``audit.labels``) in one statement."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D

import pytest
from django.apps import apps
from django.utils import timezone

from tradeloom.audit import formats
from tradeloom.audit.actions import catalogue, prefix_of
from tradeloom.audit.labels import RECORD_LABELS, Label, labels_read
from tradeloom.audit.models import AuditEvent
from tradeloom.audit.sentences import Scope, describe, sentence_actions
from tradeloom.core.context import tenant_context
from tradeloom.partners.tests.factories import SupplierFactory
from tradeloom.sales.extensions import ORDER_TIMELINE
from tradeloom.sales.tests.factories import LineFactory
from tradeloom.tenancy.roles import Role


def _model_label(action: str) -> str:
    prefix = action.split(".")[0]
    for model in apps.get_models():
        if prefix_of(model) == prefix:
            return model._meta.label_lower
    return ""


def test_every_catalogued_action_has_a_sentence():
    missing = sorted(set(catalogue()) - sentence_actions())
    assert missing == [], f"declare a sentence for these in the app's events.py (audit.sentences): {missing}"


@pytest.mark.parametrize("action", sorted(catalogue()))
def test_every_sentence_reads_even_for_an_event_that_recorded_nothing_and_names_no_record(action):
    # an old row, or one whose record is gone: no changes, no label
    event = AuditEvent(action=action, target_type=_model_label(action), target_id="", changes={})
    text = describe([event])[0].text
    assert text
    assert text[0].isupper(), text
    for leftover in ("{", "None", "[", "  ", "“”"):  # a placeholder, a Python value, a missing value
        assert leftover not in text, text
    assert not text.endswith((" ", ":", " to", " as", " at", " of")), text
    assert action not in text


def test_values_read_as_people_read_them():
    assert formats.number("5000.000") == "5,000"
    assert formats.number("6000") == "6,000"
    assert formats.number("4.2000", money=True) == "4.20"
    assert formats.number("4.2150", money=True) == "4.215"
    assert formats.number("0.000") == "0"
    assert formats.number("not a number") == "not a number"
    this_year = timezone.localdate().year
    assert formats.day(date(this_year, 11, 3)) == "3 Nov"
    assert formats.day(f"{this_year - 1}-11-03") == f"3 Nov {this_year - 1}"
    assert formats.count(1, "style") == "1 style"
    assert formats.count("2", "line") == "2 lines"
    assert formats.lower_first("Lab dip") == "lab dip"
    assert formats.lower_first("PP sample") == "PP sample"
    assert formats.lower_first("AOP") == "AOP"
    assert formats.an("activity note") == "an activity note"
    assert formats.an("user") == "a user"
    assert formats.possessive("Arvind Mills Ltd") == "Arvind Mills Ltd's"
    assert formats.possessive("Bayside Mills") == "Bayside Mills'"


@pytest.mark.django_db
def test_changes_read_with_choices_numbers_references_and_the_records_labels_in_one_statement(
    org, member, django_assert_num_queries
):
    ann = member(Role.MERCHANDISER)
    with tenant_context(org):
        line = LineFactory(organization=org, colour_code="NAVY", cad_code="C-12", style__order__number="SO-1")
        mill = SupplierFactory(organization=org, legal_name="Bayside Mills", trade_name="")
        gone = uuid.uuid4()
        events = [
            AuditEvent(
                organization=org,
                actor=ann.user,
                action="sales_line.status_changed",
                target_type="sales.line",
                target_id=str(line.pk),
                changes={"status": ["upcoming", "in_development"]},
            ),
            AuditEvent(
                organization=org,
                actor=ann.user,
                action="sales_line.offer_accepted",
                target_type="sales.line",
                target_id=str(line.pk),
                changes={"supplier": [str(gone), str(mill.pk)], "mill_price": [None, "3.9000"]},
            ),
            AuditEvent(
                organization=org,
                actor=None,
                action="sales_line.updated",
                target_type="sales.line",
                target_id=str(line.pk),
                changes={"quantity": ["5000.000", "6000.000"], "etd": [None, "2026-11-03"]},
            ),
        ]
        with django_assert_num_queries(1):  # the line and both mills, whatever the number of events
            described = describe(events)
    name = ann.user.full_name
    moved, accepted, changed = described
    assert moved.text == f"{name} moved NAVY/C-12 on SO-1 from upcoming to in development"
    assert moved.changes == ()  # the sentence told it
    assert (
        accepted.text
        == f"{name} accepted Bayside Mills' offer for NAVY/C-12 on SO-1 at 3.90 (before: a removed supplier)"
    )
    assert changed.text == "System changed NAVY/C-12 on SO-1"
    assert [(c.label, c.old, c.new) for c in changed.changes] == [
        ("Quantity", "5,000", "6,000"),
        ("ETD", "", formats.day("2026-11-03")),
    ]


@pytest.mark.django_db
def test_on_the_page_of_a_record_it_is_this_record_and_its_context_is_left_out(org):
    order_id = str(uuid.uuid4())
    line_id = str(uuid.uuid4())
    scope = Scope(id=order_id, name="this order", context="SO-1")
    events = [
        AuditEvent(
            action="sales_order.stage_changed",
            target_type="sales.order",
            target_id=order_id,
            changes={"stage": ["", "sampling"]},
        ),
        AuditEvent(
            action="sales_line.status_changed",
            target_type="sales.line",
            target_id=line_id,
            changes={"status": ["upcoming", "running"]},
        ),
    ]
    stage, line = describe(events, labels={line_id: Label("NAVY", "SO-1")}, scope=scope)
    assert stage.text == "System moved this order to sampling"
    assert line.text == "System moved NAVY from upcoming to running"


@pytest.mark.django_db
def test_every_registered_label_reads_and_every_timeline_source_has_one(org):
    assert {source.target_type for source in ORDER_TIMELINE} <= {kind for kind, _ in RECORD_LABELS.items()}
    with tenant_context(org):
        # each kind's statement runs (a record that does not exist is left out, not an error)
        assert labels_read({kind: [str(uuid.uuid4())] for kind, _ in RECORD_LABELS.items()}) == {}
        # ids that cannot be keys are left out before the database sees them
        assert labels_read({"sales.line": ["not-a-uuid", ""]}) == {}


@pytest.mark.django_db
def test_a_record_that_is_gone_is_named_by_its_kind(org):
    event = AuditEvent(
        action="sales_line.updated",
        target_type="sales.line",
        target_id=str(uuid.uuid4()),
        changes={"quantity": [str(D(1)), str(D(2))]},
    )
    with tenant_context(org):
        assert describe([event])[0].text == "System changed a line"
