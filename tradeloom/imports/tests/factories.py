"""Imports factories: a run of a small CSV of units, uploaded and mapped."""

from __future__ import annotations

import hashlib

import factory

from tradeloom.imports.models import ImportMapping, ImportRun
from tradeloom.imports.tests import worker_entities  # noqa: F401 - the entity its runs name
from tradeloom.tenancy.tests.factories import OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object

CSV = b"Code,Name\nm,Metre\n"


class ImportRunFactory(TenantFactory[ImportRun]):
    class Meta:
        model = ImportRun

    organization = factory.SubFactory(OrganizationFactory)
    entity = "test_units"
    filename = factory.Sequence(lambda n: f"units-{n}.csv")
    content = CSV
    size = len(CSV)
    sha256 = hashlib.sha256(CSV).hexdigest()
    file_format = ImportRun.Format.CSV
    encoding = "utf-8"
    headers = factory.LazyFunction(lambda: ["Code", "Name"])
    row_count = 1
    mapping = factory.LazyFunction(lambda: {"Code": "code", "Name": "name"})


class ImportMappingFactory(TenantFactory[ImportMapping]):
    class Meta:
        model = ImportMapping

    organization = factory.SubFactory(OrganizationFactory)
    entity = "test_units"
    signature = factory.Sequence(lambda n: f"{n:064d}")
    headers = factory.LazyFunction(lambda: ["Code", "Name"])
    columns = factory.LazyFunction(lambda: {"Code": "code", "Name": "name"})


register_factory(ImportRun, ImportRunFactory)
register_factory(ImportMapping, ImportMappingFactory)
register_url_object("import_run_id", lambda org: ImportRunFactory(organization=org))
