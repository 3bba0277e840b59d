"""PDF documents: the organisation's print profile (what every document it prints carries: logo, company name and
address, bank details, default terms per kind of document, signature block, footer) and, per record and kind of
document, the attachment document its PDFs are the versions of.

The PDFs themselves are attachments (``documents.models.Attachment``, ``source="generated"``) of their record: the
first PDF of a purchase order is version 1 of a new document, each regeneration its next version.
"""

from __future__ import annotations

from django.db import models

from tradeloom.core.models import TenantModel


def logo_key(instance: PrintProfile, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"print-profiles/{instance.organization_id}/logo-{instance.pk}.{extension}"


class PrintProfile(TenantModel):
    """One per organisation (none: the documents print with the organisation's name and no extras)."""

    audit_prefix = "print_profile"

    company_name = models.CharField(
        max_length=200, blank=True, help_text="As printed in the header; empty: the organisation's name."
    )
    address = models.TextField(blank=True, help_text="The company's address, one line per line.")
    phone = models.CharField(max_length=60, blank=True)
    email = models.EmailField(blank=True)
    website = models.CharField(max_length=200, blank=True)
    tax_id = models.CharField("tax / registration id", max_length=80, blank=True)
    logo = models.FileField(upload_to=logo_key, max_length=300, blank=True)
    bank_details = models.TextField(
        blank=True,
        help_text="Printed on proforma and commercial invoices when the document has none of its own.",
    )
    terms_purchase_order = models.TextField("purchase order terms", blank=True)
    terms_proforma = models.TextField("proforma invoice terms", blank=True)
    terms_invoice = models.TextField("commercial invoice terms", blank=True)
    terms_packing_list = models.TextField("packing list notes", blank=True)
    terms_confirmation = models.TextField("order confirmation terms", blank=True)
    signature_block = models.TextField(
        blank=True, help_text="Under the signature line, e.g. “For Acme Sourcing Ltd.\\nAuthorised signatory”."
    )
    footer = models.CharField(max_length=300, blank=True, help_text="Printed at the foot of every page.")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Shape:
        editable = (
            "company_name",
            "address",
            "phone",
            "email",
            "website",
            "tax_id",
            "bank_details",
            "terms_purchase_order",
            "terms_proforma",
            "terms_invoice",
            "terms_packing_list",
            "terms_confirmation",
            "signature_block",
            "footer",
        )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="printing_printprofile_org_id_key"),
            models.UniqueConstraint(fields=["organization"], name="printing_printprofile_one_per_org"),
        ]

    def __str__(self) -> str:
        return self.company_name or "Print profile"


class PrintedDocument(TenantModel):
    """The attachment document (``Attachment.document_id``) whose versions are one record's PDFs of one kind."""

    kind = models.CharField(max_length=30)
    target_type = models.CharField(max_length=40)
    target_id = models.UUIDField()
    document_id = models.UUIDField(null=True, blank=True, help_text="The document's first version's id.")
    generated_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="printing_printeddocument_org_id_key"),
            models.UniqueConstraint(fields=["organization", "kind", "target_id"], name="printing_printeddocument_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.target_type} {self.target_id}"
