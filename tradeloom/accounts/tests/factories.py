"""Factories for logins and invitations."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from tradeloom.accounts.models import Invitation, User
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import SAME_ORG, MembershipFactory, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Person {n}")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        password = kwargs.pop("password", PASSWORD)
        return User.objects.create_user(*args, password=password, **kwargs)


class InvitationFactory(TenantFactory[Invitation]):
    """An open invitation (its token is ``token-<n>``; only the hash is stored, as ``invitation_create`` does)."""

    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"guest{n}@example.com")
    role = Role.STAFF
    token_hash = factory.Sequence(lambda n: hashlib.sha256(f"token-{n}".encode()).hexdigest())
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    invited_by = factory.SubFactory(MembershipFactory, organization=SAME_ORG, role=Role.OWNER)


register_factory(Invitation, InvitationFactory)
register_url_object("invitation_id", lambda org: InvitationFactory(organization=org))
