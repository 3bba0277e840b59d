"""Members: invitations by e-mail, once."""

from __future__ import annotations

import pytest
from django.core import mail

from tradeloom.accounts.models import Invitation
from tradeloom.core.context import tenant_context
from tradeloom.imports.registry import CREATED, UNCHANGED, RowError
from tradeloom.imports.tests.entity_rows import apply, audit_count, context
from tradeloom.tenancy.roles import Role


@pytest.mark.django_db
def test_a_person_is_invited_once_and_the_mail_goes_after_the_commit(org, member, django_capture_on_commit_callbacks):
    by = member(Role.OWNER)
    existing = member(Role.STAFF)
    with tenant_context(org, user=by.user):
        ctx = context(org, by)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            result = apply(ctx, "members", email="Ann@Example.com", name="Ann", role="Sales Manager")
            assert result.outcome == CREATED
            assert mail.outbox == []  # not before the commit
        assert len(callbacks) == 1
        assert mail.outbox[0].to == ["ann@example.com"]
        invitation = Invitation.objects.get()
        assert (invitation.email, invitation.role) == ("ann@example.com", Role.MANAGER)
        assert audit_count(action="invitation.created") == 1

        assert apply(ctx, "members", email="ann@example.com", role="Viewer").outcome == UNCHANGED
        assert apply(ctx, "members", email=existing.user.email, role="Admin").outcome == UNCHANGED
        assert apply(ctx, "members", email="gone@example.com", active="Inactive").outcome == UNCHANGED
        assert apply(ctx, "members", email="bob@example.com").record.role == Role.STAFF
        assert Invitation.objects.count() == 2
        existing.refresh_from_db()
        assert existing.role == Role.STAFF

        with pytest.raises(RowError) as caught:
            apply(ctx, "members", email="not-an-address", role="Wizard")
        assert caught.value.errors == {
            "email": ["“not-an-address” is not an e-mail address."],
            "role": ["“Wizard” is not one of: Owner, Admin, Manager, Merchandiser, Accounts, Staff, Viewer."],
        }
        with pytest.raises(RowError) as caught:
            apply(ctx, "members", name="Nobody")
        assert caught.value.errors == {"email": ["Give the person's e-mail address."]}
