"""Reads for accounts: invitations of an organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from tradeloom.accounts.models import Invitation
from tradeloom.tenancy.models import Organization


def invitation_list(*, organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organization=organization)


def invitation_get(*, organization: Organization, pk: Any) -> Invitation:
    invitation = invitation_list(organization=organization).filter(pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation
