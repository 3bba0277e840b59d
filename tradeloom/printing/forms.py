from __future__ import annotations

from django import forms

from tradeloom.printing.models import PrintProfile


class PrintProfileForm(forms.ModelForm):
    logo_file = forms.FileField(
        label="Logo", required=False, help_text="A PNG or JPEG image of at most 1 MB; printed top left."
    )
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = PrintProfile
        fields = PrintProfile.Shape.editable
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "address",
                "bank_details",
                "terms_purchase_order",
                "terms_proforma",
                "terms_invoice",
                "terms_packing_list",
                "terms_confirmation",
                "signature_block",
            )
        }
