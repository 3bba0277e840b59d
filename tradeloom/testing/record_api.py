"""The standard tests of a record API (a ``records.api.RecordViewSet`` resource), inherited by declaring a class.

In the spirit of NetBox's ``utilities.testing.APIViewTestCases``: a test module declares what is particular to the
resource and inherits the tests every record API owes its clients::

    class TestUnitsApi(RecordApiTests):
        url = "units"                     # /api/v1/o/<org>/units/
        factory = UnitFactory             # makes a record: factory(organization=org)
        audit_prefix = "unitofmeasure"    # unitofmeasure.created, .updated, .archived, .restored, .deleted
        create_data = {"code": "ctn", "name": "Carton", "dimension": "count", "factor": "1"}
        update_data = {"name": "Carton of 12"}
        references = {}                   # body field → factory of the referenced record, e.g. {"unit": UnitFactory}
        manage_role = Role.MANAGER        # may write (default: merchandiser)
        view_role = Role.VIEWER           # may only read (default: viewer)

What they prove: list (keyset pages, archived rows hidden unless ``?include_archived=1``, only the organisation's
rows), detail (``ETag``; ``If-None-Match`` with the current tag is a 304 without a body), create (201, ETag, the
audit record ``<prefix>.created``; a bad body is a 400 that writes nothing), update (``If-Match``: 200 and version
+ 1, a stale tag is 412 and changes nothing; PATCH and PUT), archive and restore (with their audit records and a
stale tag refused), delete, another organisation's id (404 on every verb, its record untouched), references
(every reference field is declared, and another organisation's record is a 404), capabilities (the view role
reads and is refused every write), and query budgets (the list costs the same for 2 rows as for 14, within
``budgets.budget("api.<url>.list")``; the detail within ``"api.<url>.detail"``).

Values in responses are compared loosely where the API normalises them: decimals by value (``"2.5"`` matches
``"2.500000000000"``), dicts by the keys the declaration names, references as ``<field>_id``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from tradeloom.audit.models import AuditEvent
from tradeloom.core.context import tenant_context
from tradeloom.records.api import TenantPrimaryKeyRelatedField
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget


def same(actual: Any, expected: Any) -> bool:
    """``actual`` (from a response) says what ``expected`` (from a declaration) says: see the module docstring."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and same(actual[k], v) for k, v in expected.items())
    if isinstance(expected, list | tuple):
        return isinstance(actual, list) and len(actual) == len(expected) and all(map(same, actual, expected))
    if isinstance(expected, str) and isinstance(actual, str) and expected != actual:
        try:
            return Decimal(expected) == Decimal(actual)
        except InvalidOperation:
            return False
    return bool(actual == expected)


def etag(pk: Any, version: int) -> str:
    """A version's tag, as ``If-Match`` may name it."""
    return f'"{pk}-{version}"'


def tags_version(tag: str, pk: Any, version: int) -> bool:
    """Whether a representation's ``ETag`` (``"<id>-<version>-<digest>"``, core.api.conditional) is of that version."""
    return re.fullmatch(rf'"{pk}-{version}-[0-9a-f]+"', tag) is not None


class RecordApiTests:
    """Subclass as ``Test<Resource>Api`` and declare the attributes below; see the module docstring."""

    pytestmark: ClassVar[list[Any]] = [pytest.mark.django_db]

    url: ClassVar[str]
    factory: ClassVar[Callable[..., Any]]
    audit_prefix: ClassVar[str]
    create_data: ClassVar[dict[str, Any]]
    update_data: ClassVar[dict[str, Any]]
    references: ClassVar[dict[str, Callable[..., Any]]] = {}
    manage_role: ClassVar[str] = Role.MERCHANDISER
    view_role: ClassVar[str] = Role.VIEWER

    # -- fixtures and helpers --------------------------------------------------------------------------------------
    @pytest.fixture
    def manager(self, member: Any) -> Any:
        return member(self.manage_role)

    @pytest.fixture
    def manager_api(self, manager: Any, api_as: Any) -> Any:
        return api_as(manager)

    @pytest.fixture
    def viewer_api(self, member: Any, api_as: Any) -> Any:
        return api_as(member(self.view_role))

    @property
    def model(self) -> Any:
        return self.factory._meta.model

    def list_url(self, org: Any) -> str:
        return f"/api/v1/o/{org.slug}/{self.url}/"

    def detail_url(self, org: Any, pk: Any) -> str:
        return f"{self.list_url(org)}{pk}/"

    def payload(self, org: Any, **overrides: Any) -> dict[str, Any]:
        """The declared ``create_data``, with a new record of ``org`` for every declared reference."""
        refs = {name: str(make(organization=org).pk) for name, make in self.references.items()}
        return {**self.create_data, **refs, **overrides}

    def assert_says(self, body: dict[str, Any], data: dict[str, Any]) -> None:
        for name, value in data.items():
            field = f"{name}_id" if name in self.references else name
            assert field in body, (self.url, field, body)
            assert same(body[field], value), (self.url, field, body[field], value)

    def stored(self, org: Any, pk: Any) -> Any:
        with tenant_context(org):
            return self.model._default_manager.filter(pk=pk).first()

    def record_ids(self, org: Any, *, include_archived: bool = False) -> set[str]:
        with tenant_context(org):
            rows = self.model._default_manager.filter(organization=org)
            if not include_archived:
                rows = rows.filter(archived_at__isnull=True)
            return {str(pk) for pk in rows.values_list("pk", flat=True)}

    def events(self, org: Any, pk: Any, verb: str | None = None) -> list[AuditEvent]:
        with tenant_context(org):
            events = AuditEvent.objects.filter(organization=org, target_id=str(pk))
            if verb is not None:
                events = events.filter(action=f"{self.audit_prefix}.{verb}")
            return list(events)

    def archived(self, org: Any) -> Any:
        record = self.factory(organization=org)
        with tenant_context(org):
            self.model._default_manager.filter(pk=record.pk).update(archived_at=timezone.now())
        return record

    def all_ids(self, client: Any, url: str) -> list[str]:
        """Every id of a list, page after page."""
        ids: list[str] = []
        next_url: str | None = url
        while next_url:
            response = client.get(next_url)
            assert response.status_code == 200, (self.url, response.content)
            body = response.json()
            ids += [row["id"] for row in body["results"]]
            next_url = body["next"]
        return ids

    # -- list ------------------------------------------------------------------------------------------------------
    def test_list_pages_through_the_organisations_records_without_archived_ones(self, org, other_org, viewer_api):
        # given three records, one archived record and another organisation's record
        ours = {str(self.factory(organization=org).pk) for _ in range(3)}
        archived = str(self.archived(org).pk)
        theirs = str(self.factory(organization=other_org).pk)
        # when a viewer reads the list two at a time
        first = viewer_api.get(f"{self.list_url(org)}?limit=2")
        listed = self.all_ids(viewer_api, f"{self.list_url(org)}?limit=2")
        # then pages hold two rows each, and together every active record of ours once
        assert first.status_code == 200
        assert len(first.json()["results"]) == 2
        assert first.json()["next"]
        assert len(listed) == len(set(listed))
        assert ours <= set(listed)
        assert set(listed) == self.record_ids(org)
        assert archived not in listed
        assert theirs not in listed

    def test_include_archived_lists_archived_records_too(self, org, viewer_api):
        active, archived = str(self.factory(organization=org).pk), str(self.archived(org).pk)
        listed = self.all_ids(viewer_api, f"{self.list_url(org)}?include_archived=1")
        assert {active, archived} <= set(listed)
        assert set(listed) == self.record_ids(org, include_archived=True)

    def test_the_list_costs_the_same_whatever_the_number_of_rows(self, org, viewer_api, django_assert_max_num_queries):
        for _ in range(2):
            self.factory(organization=org)
        url = f"{self.list_url(org)}?limit=50"
        viewer_api.get(url)  # warm up (the token's first use)
        with CaptureQueriesContext(connection) as few:
            rows = viewer_api.get(url).json()["results"]
        assert len(rows) == len(self.record_ids(org))
        for _ in range(12):
            self.factory(organization=org)
        with django_assert_max_num_queries(budget(f"api.{self.url}.list")) as many:
            body = viewer_api.get(url).json()
        assert len(body["results"]) == len(self.record_ids(org)) >= 14
        assert len(many) == len(few), "the list's queries grow with its rows"

    # -- detail ----------------------------------------------------------------------------------------------------
    def test_detail_carries_the_version_as_its_etag(self, org, viewer_api, django_assert_max_num_queries):
        record = self.factory(organization=org)
        with django_assert_max_num_queries(budget(f"api.{self.url}.detail")):
            response = viewer_api.get(self.detail_url(org, record.pk))
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["id"] == str(record.pk)
        assert body["version"] == 1
        assert body["archived_at"] is None
        assert tags_version(response["ETag"], record.pk, 1)

    def test_detail_answers_304_while_if_none_match_names_its_version(self, org, manager_api):
        # given a record read once (version 1)
        record = self.factory(organization=org)
        url = self.detail_url(org, record.pk)
        current = manager_api.get(url)["ETag"]
        # when the client asks again with the tag it holds (as sent, weak, in a list, or any)
        for held in (current, f"W/{current}", f'"other", {current}', "*"):
            unchanged = manager_api.get(url, HTTP_IF_NONE_MATCH=held)
            # then nothing is sent but the status and the tag
            assert unchanged.status_code == 304, held
            assert unchanged.content == b""
            assert unchanged["ETag"] == current
        # and once the record changes, the old tag gets the new version in full
        assert manager_api.patch(url, self.update_data, format="json", HTTP_IF_MATCH=current).status_code == 200
        changed = manager_api.get(url, HTTP_IF_NONE_MATCH=current)
        assert changed.status_code == 200
        assert tags_version(changed["ETag"], record.pk, 2)
        assert changed.json()["version"] == 2

    def test_an_unknown_id_is_404(self, org, viewer_api):
        response = viewer_api.get(self.detail_url(org, uuid.uuid4()))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    # -- create ----------------------------------------------------------------------------------------------------
    def test_create_is_201_with_an_etag_and_audited(self, org, manager, manager_api):
        data = self.payload(org)
        response = manager_api.post(self.list_url(org), data, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        self.assert_says(body, data)
        assert body["version"] == 1
        assert tags_version(response["ETag"], body["id"], 1)
        record = self.stored(org, body["id"])
        assert record is not None
        assert record.organization_id == org.pk
        (event,) = self.events(org, body["id"], "created")
        assert event.actor_id == manager.user_id
        assert event.changes, "a creation records the values it set"

    def test_a_bad_body_is_400_and_writes_nothing(self, org, manager_api):
        before = self.record_ids(org, include_archived=True)
        response = manager_api.post(self.list_url(org), {}, format="json")
        assert response.status_code == 400, response.content
        assert response.json()["code"] == "validation_error"
        assert response.json()["errors"]
        assert self.record_ids(org, include_archived=True) == before

    # -- update ----------------------------------------------------------------------------------------------------
    def test_patch_with_if_match_raises_the_version_and_a_stale_tag_is_412(self, org, manager_api):
        record = self.factory(organization=org)
        url = self.detail_url(org, record.pk)
        tag = manager_api.get(url)["ETag"]
        # when the record is changed with the tag it was read with
        changed = manager_api.patch(url, self.update_data, format="json", HTTP_IF_MATCH=tag)
        # then it is the next version, and audited with what changed
        assert changed.status_code == 200, changed.content
        self.assert_says(changed.json(), self.update_data)
        assert changed.json()["version"] == 2
        assert tags_version(changed["ETag"], record.pk, 2)
        (event,) = self.events(org, record.pk, "updated")
        assert set(event.changes) == set(self.update_data)
        # when the same old tag is sent again, nothing changes
        stale = manager_api.patch(url, {**self.update_data}, format="json", HTTP_IF_MATCH=tag)
        assert stale.status_code == 412, stale.content
        assert stale.json()["code"] == "precondition_failed"
        # and a tag that is not one of this record's versions is as stale
        other = self.factory(organization=org)
        for foreign_tag in ('"garbage"', etag(other.pk, 1), etag(record.pk, 1).replace('"', "")):
            refused = manager_api.patch(url, self.update_data, format="json", HTTP_IF_MATCH=foreign_tag)
            assert refused.status_code == 412, (foreign_tag, refused.content)
        assert self.stored(org, record.pk).version == 2
        assert len(self.events(org, record.pk, "updated")) == 1

    def test_put_replaces_the_record(self, org, manager_api):
        record = self.factory(organization=org)
        url = self.detail_url(org, record.pk)
        data = self.payload(org, **self.update_data)
        response = manager_api.put(url, data, format="json", HTTP_IF_MATCH=etag(record.pk, 1))
        assert response.status_code == 200, response.content
        self.assert_says(response.json(), data)
        assert tags_version(response["ETag"], record.pk, 2)
        assert self.stored(org, record.pk).version == 2

    # -- archive, restore, delete ----------------------------------------------------------------------------------
    def test_archive_and_restore_with_if_match(self, org, manager_api):
        record = self.factory(organization=org)
        url = self.detail_url(org, record.pk)
        archived = manager_api.post(f"{url}archive/", HTTP_IF_MATCH=etag(record.pk, 1))
        assert archived.status_code == 200, archived.content
        assert archived.json()["archived_at"]
        assert tags_version(archived["ETag"], record.pk, 2)
        assert str(record.pk) not in self.all_ids(manager_api, self.list_url(org))
        assert manager_api.get(url).status_code == 200  # still readable by id
        stale = manager_api.post(f"{url}restore/", HTTP_IF_MATCH=etag(record.pk, 1))
        assert stale.status_code == 412
        assert self.stored(org, record.pk).archived_at is not None
        restored = manager_api.post(f"{url}restore/", HTTP_IF_MATCH=etag(record.pk, 2))
        assert restored.status_code == 200, restored.content
        assert restored.json()["archived_at"] is None
        assert tags_version(restored["ETag"], record.pk, 3)
        assert str(record.pk) in self.all_ids(manager_api, self.list_url(org))
        assert len(self.events(org, record.pk, "archived")) == len(self.events(org, record.pk, "restored")) == 1

    def test_delete_an_unreferenced_record(self, org, manager_api):
        record = self.factory(organization=org)
        url = self.detail_url(org, record.pk)
        assert manager_api.delete(url, HTTP_IF_MATCH=etag(record.pk, 7)).status_code == 412
        assert self.stored(org, record.pk) is not None
        assert manager_api.delete(url, HTTP_IF_MATCH=etag(record.pk, 1)).status_code == 204
        assert self.stored(org, record.pk) is None
        assert len(self.events(org, record.pk, "deleted")) == 1
        assert manager_api.get(url).status_code == 404

    # -- walls -----------------------------------------------------------------------------------------------------
    def test_another_organisations_record_is_404_on_every_verb_and_stays_untouched(self, org, other_org, manager_api):
        theirs = self.factory(organization=other_org)
        url = self.detail_url(org, theirs.pk)
        data = self.payload(org, **self.update_data)
        for response in (
            manager_api.get(url),
            manager_api.patch(url, self.update_data, format="json"),
            manager_api.put(url, data, format="json"),
            manager_api.post(f"{url}archive/"),
            manager_api.post(f"{url}restore/"),
            manager_api.delete(url),
        ):
            assert response.status_code == 404, (response.request["REQUEST_METHOD"], response.content)
            assert response.json()["code"] == "not_found"
        stored = self.stored(other_org, theirs.pk)
        assert stored is not None
        assert (stored.version, stored.archived_at) == (1, None)
        assert self.events(other_org, theirs.pk) == []

    def test_every_reference_is_declared_and_another_organisations_record_is_404(self, org, other_org, manager_api):
        view = resolve(self.list_url(org)).func.cls
        fields = view.input_serializer().fields
        tenant_references = {name for name, f in fields.items() if isinstance(f, TenantPrimaryKeyRelatedField)}
        assert tenant_references == set(self.references), "declare every reference field in `references`"
        before = self.record_ids(org, include_archived=True)
        for name, make in self.references.items():
            foreign = str(make(organization=other_org).pk)
            response = manager_api.post(self.list_url(org), self.payload(org, **{name: foreign}), format="json")
            assert response.status_code == 404, (name, response.content)
            assert response.json()["code"] == "not_found"
        assert self.record_ids(org, include_archived=True) == before

    # -- capabilities ----------------------------------------------------------------------------------------------
    def test_the_view_role_reads_and_is_refused_every_write(self, org, viewer_api):
        record = self.factory(organization=org)
        url = self.detail_url(org, record.pk)
        assert viewer_api.get(self.list_url(org)).status_code == 200
        assert viewer_api.get(url).status_code == 200
        before = self.record_ids(org, include_archived=True)
        for response in (
            viewer_api.post(self.list_url(org), self.payload(org), format="json"),
            viewer_api.patch(url, self.update_data, format="json"),
            viewer_api.put(url, self.payload(org), format="json"),
            viewer_api.post(f"{url}archive/"),
            viewer_api.post(f"{url}restore/"),
            viewer_api.delete(url),
        ):
            assert response.status_code == 403, (response.request["REQUEST_METHOD"], response.content)
            assert response.json()["code"] == "permission_denied"
        stored = self.stored(org, record.pk)
        assert (stored.version, stored.archived_at) == (1, None)
        assert self.record_ids(org, include_archived=True) == before
        assert self.events(org, record.pk) == []
