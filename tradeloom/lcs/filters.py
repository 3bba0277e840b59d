"""The LC list's filters, shared by the API and the page: status, applicant, issuing bank, expiry range and the
search by number."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from tradeloom.lcs import states
from tradeloom.lcs.models import LetterOfCredit
from tradeloom.partners.models import Customer
from tradeloom.records.choices import RecordChoiceFilter

DATE = forms.DateInput(attrs={"type": "date"})


class LcFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search by number", max_length=40)
    status = django_filters.ChoiceFilter(choices=states.STATUSES, empty_label="Any status")
    customer = RecordChoiceFilter(
        queryset=lambda request: Customer.objects.filter(
            organization=getattr(request, "organization", None), archived_at__isnull=True
        ),
        empty_label="Any applicant",
        label="Applicant",
    )
    issuing_bank = django_filters.CharFilter(field_name="issuing_bank", lookup_expr="iexact", max_length=200)
    role = django_filters.ChoiceFilter(choices=LetterOfCredit.Role.choices, empty_label="Master or back-to-back")
    expiry_from = django_filters.DateFilter(
        field_name="expiry_date", lookup_expr="gte", label="Expiry from", widget=DATE
    )
    expiry_to = django_filters.DateFilter(field_name="expiry_date", lookup_expr="lte", label="Expiry to", widget=DATE)

    class Meta:
        model = LetterOfCredit
        fields: list[str] = []

    def filter_search(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = (value or "").strip()
        return qs.filter(number__icontains=value) if value else qs
