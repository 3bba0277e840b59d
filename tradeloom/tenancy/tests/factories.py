"""Factories for organisations, users and memberships. Tenant rows are created inside their tenant context."""

from __future__ import annotations

from typing import Any, TypeVar

import factory

from tradeloom.accounts.models import User
from tradeloom.core.context import tenant_context
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role

PASSWORD = "correct-horse-battery"
T = TypeVar("T")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Person {n}")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        password = kwargs.pop("password", PASSWORD)
        return User.objects.create_user(*args, password=password, **kwargs)


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
    user = factory.SubFactory(UserFactory)
    role = Role.MERCHANDISER
