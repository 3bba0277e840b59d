"""Factories for organisations and memberships, and ``TenantFactory``, the base of every tenant row's factory.

Tenant rows are created inside their organisation's tenant context. Users are ``accounts``' (UserFactory).
"""

from __future__ import annotations

from typing import Any, TypeVar

import factory

from tradeloom.core.context import tenant_context
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role
from tradeloom.testing.walls import register_factory, register_url_object

T = TypeVar("T")

# One organisation's rows reference each other: ``factory.SubFactory(X, organization=SAME_ORG)``.
SAME_ORG = factory.SelfAttribute("..organization")


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class TenantFactory(factory.django.DjangoModelFactory[T]):
    """Creates the row with the database tenant context set to its organisation."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        organization = kwargs["organization"]
        with tenant_context(organization):
            return super()._create(model_class, *args, **kwargs)


class MembershipFactory(TenantFactory[Membership]):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory("tradeloom.accounts.tests.factories.UserFactory")  # by path: accounts imports us
    role = Role.MERCHANDISER


register_factory(Membership, MembershipFactory)
register_url_object("membership_id", lambda org: MembershipFactory(organization=org))
