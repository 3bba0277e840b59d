"""The database wall: row-level security and same-organisation foreign keys, proven with raw SQL."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError, IntegrityError, ProgrammingError

from tradeloom.accounts.tests.factories import UserFactory
from tradeloom.core import context
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def execute(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def test_every_table_with_organization_id_has_rls_enabled_forced_and_a_policy():
    tables = rows(
        """SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                  (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r'
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                            AND a.attname = 'organization_id' AND NOT a.attisdropped)"""
    )
    assert {t[0] for t in tables} >= {"tenancy_membership", "accounts_invitation", "audit_auditevent"}
    for name, enabled, forced, policies in tables:
        assert enabled, f"{name}: row-level security not enabled"
        assert forced, f"{name}: row-level security not forced"
        assert policies >= 1, f"{name}: no policy"


def test_app_role_with_org_a_set_cannot_see_org_b_rows(org, other_org):
    # given a member in each organisation
    mine = MembershipFactory(organization=org)
    theirs = MembershipFactory(organization=other_org)
    # when raw SQL runs as the app role with organisation A set
    with transaction.atomic():
        context.set_organization(org.pk)
        visible = {r[0] for r in rows("SELECT id FROM tenancy_membership")}
        direct = rows("SELECT id FROM tenancy_membership WHERE id = %s", [theirs.pk])
    # then only A's rows exist for it, even when B's row is asked for by id
    assert mine.pk in visible
    assert theirs.pk not in visible
    assert direct == []


def as_tenant(organization_id, sql: str, params: list) -> None:
    """Run one statement as the app role with ``organization_id`` set, in its own savepoint."""
    with transaction.atomic():
        context.set_organization(organization_id)
        execute(sql, params)
        execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_app_role_with_org_a_set_cannot_insert_org_b_rows(org, other_org):
    user = UserFactory()
    insert = (
        "INSERT INTO tenancy_membership (id, organization_id, user_id, role, is_active, created_at, updated_at)"
        " VALUES (%s, %s, %s, 'owner', true, now(), now())"
    )
    with pytest.raises(ProgrammingError, match="row-level security"):
        as_tenant(org.pk, insert, [uuid.uuid4(), other_org.pk, user.pk])


def test_app_role_cannot_move_a_row_to_another_organisation(org, other_org):
    mine = MembershipFactory(organization=org)
    move = "UPDATE tenancy_membership SET organization_id = %s WHERE id = %s"
    with pytest.raises(ProgrammingError, match="row-level security"):
        as_tenant(org.pk, move, [other_org.pk, mine.pk])


def test_without_a_tenant_nothing_is_visible(org):
    MembershipFactory(organization=org)
    with transaction.atomic():
        context.set_organization(None)
        context.set_user(None)
        assert rows("SELECT count(*) FROM tenancy_membership") == [(0,)]
        assert Membership.objects.count() == 0


def test_a_user_sees_only_their_own_memberships_across_organisations(org, other_org):
    user = UserFactory()
    a = MembershipFactory(organization=org, user=user)
    b = MembershipFactory(organization=other_org, user=user)
    MembershipFactory(organization=other_org)  # someone else's
    with transaction.atomic():
        context.set_organization(None)
        context.set_user(user.pk)
        assert set(Membership.objects.values_list("pk", flat=True)) == {a.pk, b.pk}


def test_tenant_context_must_be_set_inside_a_transaction(monkeypatch):
    # the test itself runs in a transaction; pretend it does not, to prove the guard
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    with pytest.raises(RuntimeError, match="inside a transaction"):
        context.set_organization(uuid.uuid4())


def test_database_refuses_a_reference_to_another_organisations_row(org, other_org):
    # given an invitation in A whose inviter is a membership of B (the service never does this)
    inviter_in_b = MembershipFactory(organization=other_org, role=Role.OWNER)
    insert = (
        "INSERT INTO accounts_invitation (id, organization_id, email, role, token_hash, expires_at,"
        " invited_by_id, created_at, updated_at) VALUES (%s, %s, 'x@example.com', 'staff', %s,"
        " now() + interval '1 day', %s, now(), now())"
    )
    with pytest.raises((IntegrityError, DatabaseError), match="same_org"):
        as_tenant(org.pk, insert, [uuid.uuid4(), org.pk, uuid.uuid4().hex, inviter_in_b.pk])


def test_every_reference_between_tenant_tables_has_a_same_organisation_constraint():
    from django.apps import apps

    from tradeloom.core.models import TenantModel

    expected = set()
    for model in apps.get_models():
        if not issubclass(model, TenantModel):
            continue
        for field in model._meta.concrete_fields:
            related = getattr(field, "related_model", None)
            if related is not None and isinstance(related, type) and issubclass(related, TenantModel):
                expected.add((model._meta.db_table, field.column))
    assert expected, "no tenant-to-tenant references found; the test would prove nothing"
    constraints = {
        (table, columns[1])
        for table, columns in rows(
            """SELECT cl.relname, array_agg(a.attname ORDER BY k.ord)
                 FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid
                 CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                WHERE c.contype = 'f' GROUP BY c.oid, cl.relname HAVING count(*) = 2"""
        )
        if columns[0] == "organization_id"
    }
    assert expected <= constraints, expected - constraints
