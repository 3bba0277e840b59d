"""Browser forms for partners. Validation of codes, currencies and countries happens in the model rules, which
the record services apply; the forms shape the input."""

from __future__ import annotations

from typing import Any

from django import forms

from tradeloom.partners.models import (
    Address,
    Carrier,
    Contact,
    Customer,
    Partner,
    Plant,
    Supplier,
    SupplierPlantMapping,
)
from tradeloom.records.pages import RecordForm

PARTNER_FIELDS = list(Partner.editable_fields)
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class PartnerForm(RecordForm):
    website = forms.URLField(required=False, assume_scheme="https")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False  # suggested from the name when left blank


class CustomerForm(PartnerForm):
    class Meta:
        model = Customer
        fields = PARTNER_FIELDS
        widgets = {"notes": TEXTAREA}
        help_texts = {"code": "Leave blank to have one suggested from the name.", "country": "Two letters, e.g. DE"}


class SupplierForm(PartnerForm):
    class Meta:
        model = Supplier
        fields = ["kind", *PARTNER_FIELDS]
        widgets = {"notes": TEXTAREA}
        help_texts = {"code": "Leave blank to have one suggested from the name.", "country": "Two letters, e.g. IN"}


class ContactForm(RecordForm):
    class Meta:
        model = Contact
        fields = ["customer", "supplier", "name", "title", "email", "phone", "is_primary"]


class AddressForm(RecordForm):
    class Meta:
        model = Address
        fields = ["customer", "supplier", "kind", "line1", "line2", "city", "region", "postal_code", "country"]


class PlantForm(RecordForm):
    class Meta:
        model = Plant
        fields = ["supplier", "code", "name", "city", "country", "address", "licence_number", "capabilities"]


class MappingForm(RecordForm):
    class Meta:
        model = SupplierPlantMapping
        fields = ["supplier", "plant", "customer", "valid_from", "valid_to", "notes"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }


class CarrierForm(RecordForm):
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Carrier
        fields = ["name", "code", "mode", "account_number", "contact_name", "email", "phone", "website", "notes"]
        widgets = {"notes": TEXTAREA}
