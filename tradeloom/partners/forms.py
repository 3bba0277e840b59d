"""Browser forms for partners. Validation of codes, currencies and countries happens in the model rules, which
the record services apply; the forms shape the input."""

from __future__ import annotations

from typing import Any

from django import forms

from tradeloom.core.shapes import shape_of
from tradeloom.partners.models import (
    Address,
    Carrier,
    Contact,
    Customer,
    Plant,
    Supplier,
    SupplierPlantMapping,
)
from tradeloom.records.pages import RecordForm

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class PartnerForm(RecordForm):
    website = forms.URLField(required=False, assume_scheme="https")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False  # suggested from the name when left blank


class CustomerForm(PartnerForm):
    class Meta:
        model = Customer
        fields = shape_of(Customer).editable
        widgets = {"notes": TEXTAREA}
        help_texts = {"code": "Leave blank to have one suggested from the name.", "country": "Two letters, e.g. DE"}


class SupplierForm(PartnerForm):
    class Meta:
        model = Supplier
        fields = shape_of(Supplier).editable
        widgets = {"notes": TEXTAREA}
        help_texts = {"code": "Leave blank to have one suggested from the name.", "country": "Two letters, e.g. IN"}


class ContactForm(RecordForm):
    class Meta:
        model = Contact
        fields = shape_of(Contact).editable


class AddressForm(RecordForm):
    class Meta:
        model = Address
        fields = shape_of(Address).editable


class PlantForm(RecordForm):
    class Meta:
        model = Plant
        fields = shape_of(Plant).editable


class MappingForm(RecordForm):
    class Meta:
        model = SupplierPlantMapping
        fields = shape_of(SupplierPlantMapping).editable
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }


class CarrierForm(RecordForm):
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Carrier
        fields = shape_of(Carrier).editable
        widgets = {"notes": TEXTAREA}
