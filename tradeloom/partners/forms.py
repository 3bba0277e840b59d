"""Browser forms for partners. Validation of codes, currencies and countries happens in the model rules, which
the record services apply; the forms shape the input."""

from __future__ import annotations

from typing import Any

from django import forms

from tradeloom.core.exceptions import ApplicationError
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
from tradeloom.partners.services import similar_partners_check
from tradeloom.records.pages import RecordForm

TEXTAREA = forms.Textarea(attrs={"rows": 3})


CONFIRM_DUPLICATE = "confirm_duplicate"


class PartnerForm(RecordForm):
    """A customer or supplier. Saving a name very like an existing partner's shows those partners and asks to
    confirm (a ticked ``confirm_duplicate``) before it is saved (``services.similar_partners_check``)."""

    website = forms.URLField(required=False, assume_scheme="https")
    confirm_template = "partners/_similar_records.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False  # suggested from the name when left blank
        self.similar_records: list[dict[str, Any]] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:  # the names are checked once the rest of the form is valid
            return cleaned
        try:
            similar_partners_check(
                model=self._meta.model,
                organization=self.organization,
                data=cleaned,
                instance=None if self.instance._state.adding else self.instance,
                confirmed=self.data.get(CONFIRM_DUPLICATE) in ("1", "on", "true"),
            )
        except ApplicationError as error:
            self.similar_records = error.extra["similar_records"]
            raise forms.ValidationError(error.message, code=error.code) from error
        return cleaned


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
