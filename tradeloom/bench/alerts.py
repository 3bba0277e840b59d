"""The alert evaluation pass in ``make bench``: every kind's rule on for every benchmark organisation, one pass timed
in-process as the owner role (as beat's task runs it) — the first, where everything fires —, then a second pass over
the same data — the steady state, where every condition already has its open alert and nothing fires —, and a third
where a thousand conditions are new (a usual pass: some fire).

All of it happens in one transaction that is rolled back: the data set keeps no rules, alerts or outbox entries of
the measurement (and no notification is sent: the outbox relays only after a commit).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connections, transaction
from django.utils import timezone

from tradeloom.alerts.evaluation import PassResult, alerts_evaluate
from tradeloom.alerts.models import Alert, AlertRule
from tradeloom.core.alert_kinds import ALERT_KINDS
from tradeloom.core.outbox import OWNER_DB

FIRING = 1000
TARGET_SECONDS = 10.0  # "one evaluation pass finishes in seconds" at a million orders
NAME = "alert evaluation pass (in-process: p50 steady, p99 first pass)"
TARGET = f"a pass < {TARGET_SECONDS:.0f} s"


def _rules_on(organizations: list[Any]) -> None:
    ids = [org.pk for org in organizations]
    AlertRule.objects.using(OWNER_DB).filter(organization_id__in=ids).delete()
    AlertRule.objects.using(OWNER_DB).bulk_create(
        AlertRule(
            organization_id=org.pk, kind=kind.code, enabled=True, days=kind.default_days, notify_merchandiser=True
        )
        for org in organizations
        for kind in ALERT_KINDS
    )


def measure(organizations: list[Any]) -> dict[str, Any]:
    """Time the first pass (everything fires) and a steady one (nothing new) over ``organizations``; the figures,
    per kind too, and the statements of a pass."""
    now = timezone.now()
    statements: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connections[OWNER_DB].cursor() as cursor:  # (autocommit) the dead rows of earlier rolled-back runs go
        cursor.execute("VACUUM (ANALYZE) alerts_alert")
    with transaction.atomic(using=OWNER_DB):
        Alert.objects.using(OWNER_DB).filter(organization_id__in=[o.pk for o in organizations]).delete()
        _rules_on(organizations)
        first = alerts_evaluate(now=now, using=OWNER_DB)
        with connections[OWNER_DB].cursor() as cursor:  # what autovacuum does after half a million new rows
            cursor.execute("ANALYZE alerts_alert")
        with connections[OWNER_DB].execute_wrapper(count):
            steady = alerts_evaluate(now=now + timedelta(minutes=15), using=OWNER_DB)
        # a usual pass: a thousand conditions are new (their alerts taken away, so that they fire again)
        Alert.objects.using(OWNER_DB).filter(
            pk__in=Alert.objects.using(OWNER_DB)
            .filter(organization_id__in=[o.pk for o in organizations], resolved_at__isnull=True)
            .order_by("?")
            .values("pk")[:FIRING]
        ).delete()
        some = alerts_evaluate(now=now + timedelta(minutes=30), using=OWNER_DB)
        transaction.set_rollback(True, using=OWNER_DB)
    return {
        "first": _figures(first),
        "steady": _figures(steady),
        "some_firing": _figures(some),
        "statements": len(statements),
        "organizations": len(organizations),
        "met": max(steady.seconds, some.seconds) < TARGET_SECONDS,
    }


def _figures(result: PassResult) -> dict[str, Any]:
    return {
        "seconds": round(result.seconds, 3),
        "fired": result.fired_total,
        "resolved": result.resolved_total,
        "by_kind": {
            code: {
                "seconds": round(seconds, 3),
                "fired": result.fired.get(code, 0),
                "resolved": result.resolved.get(code, 0),
            }
            for code, seconds in result.seconds_by_kind.items()
        },
    }


def summary(figures: dict[str, Any]) -> str:
    first, steady, some = figures["first"], figures["steady"], figures["some_firing"]
    return (
        f"alert evaluation pass: first {first['seconds']:.2f} s ({first['fired']:,} fired), steady "
        f"{steady['seconds']:.2f} s ({steady['fired']:,} fired, {steady['resolved']:,} resolved), "
        f"{some['fired']:,} firing {some['seconds']:.2f} s, "
        f"{figures['statements']} statements, {figures['organizations']} organisations"
    )
