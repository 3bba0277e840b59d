"""Documents factories: an attachment (a small PDF) on an order, in its organisation's tenant context."""

from __future__ import annotations

import hashlib

import factory
from django.core.files.base import ContentFile

from tradeloom.documents.models import Attachment
from tradeloom.sales.tests.factories import OrderFactory
from tradeloom.tenancy.tests.factories import OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class AttachmentFactory(TenantFactory[Attachment]):
    class Meta:
        model = Attachment

    organization = factory.SubFactory(OrganizationFactory)
    target_type = "sales.order"
    target_id = factory.LazyAttribute(lambda a: OrderFactory(organization=a.organization).pk)
    document_id = factory.LazyAttribute(lambda a: a.id)
    id = factory.Faker("uuid4", cast_to=None)
    version = 1
    name = factory.Sequence(lambda n: f"spec-{n}.pdf")
    size = len(PDF)
    content_type = "application/pdf"
    sha256 = hashlib.sha256(PDF).hexdigest()
    file = factory.LazyAttribute(lambda a: ContentFile(PDF, name=f"{a.id}.pdf"))


register_factory(Attachment, AttachmentFactory)
register_url_object("record_file_id", lambda org: AttachmentFactory(organization=org))
# the panel's record (``attachments/<target_type>/<target_id>/``): an order, the first kind of record
register_url_object("target_id", lambda org: OrderFactory(organization=org))
