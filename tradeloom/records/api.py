"""A tenant API resource over a ``RecordModel``: list, create, retrieve, update, delete, archive, restore.

Everything a master-data endpoint needs, once: capabilities per method, filters and ``?search=`` from a FilterSet,
``?include_archived=1``, ordering, keyset pages, ``ETag`` on reads and ``If-Match`` on writes (412 when stale),
``If-None-Match`` on a detail (304 while the tag is current), ``Idempotency-Key`` on POST (same key and body → the
first response again; same key, other body → 422), and every write through ``records.services`` (validated,
audited). Subclasses name the model, serializers, filterset and capabilities; the schema (``RecordSchema``) documents
the output shape as every write's response, the list's ``ordering`` choices and ``include_archived``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import orjson
from django.db import models
from django.db.models import QuerySet
from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.core.api.conditional import conditional_response
from tradeloom.core.api.ordering import resolve_ordering
from tradeloom.core.api.schema import ApiSchema, api_contract
from tradeloom.core.exceptions import ApplicationError
from tradeloom.records.models import RecordModel
from tradeloom.records.selectors import record_choices, record_get, record_list, record_list_none
from tradeloom.records.services import (
    idempotency_key_claim,
    idempotency_key_complete,
    record_archive,
    record_create,
    record_delete,
    record_restore,
    record_update,
)
from tradeloom.tenancy.api.base import TenantScopedMixin

# a representation's tag (core.api.conditional): the record's id and version, then the digest of the body it tagged
_IF_MATCH = re.compile(r'^(?:W/)?"(?P<pk>[0-9a-f-]{36})-(?P<version>\d+)(?:-[0-9a-f]{1,64})?"$')

INCLUDE_ARCHIVED = OpenApiParameter(
    "include_archived", bool, description="Set to 1 to include archived records (hidden by default)."
)


def expected_version(request: Request, instance: RecordModel) -> int | None:
    """The version named by ``If-Match`` (None when absent or ``*``); a malformed or foreign tag is stale."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    match = _IF_MATCH.match(header)
    if match is None or match["pk"] != str(instance.pk):
        raise ApplicationError(
            "If-Match does not name this record's current version.", code="precondition_failed", status=412
        )
    return int(match["version"])


def idempotent(request: Request, view: TenantScopedMixin, perform: Callable[[], Response]) -> Response:
    key = request.headers.get("Idempotency-Key")
    if not key:
        return perform()
    if len(key) > 255:
        raise ApplicationError("Idempotency-Key is longer than 255 characters.", code="validation_error")
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode() + request.body).hexdigest()
    record, claimed = idempotency_key_claim(
        organization=view.organization, user_id=request.user.pk, key=key, request_hash=digest
    )
    if not claimed:  # the key was used before: the same request gets the first response again
        if record.request_hash != digest:
            raise ApplicationError(
                "This Idempotency-Key was used for a different request.", code="idempotency_key_reused", status=422
            )
        headers = {"Idempotent-Replayed": "true"}
        if record.response_etag:
            headers["ETag"] = record.response_etag
        return Response(record.response_body, status=record.response_status, headers=headers)
    response = perform()
    # Stored as the client saw it: rendered to JSON (UUIDs, decimals and dates as strings).
    idempotency_key_complete(
        record=record,
        status=response.status_code,
        body=orjson.loads(ORJSONRenderer().render(response.data)),
        etag=response.get("ETag", ""),
    )
    return response


class RecordSchema(ApiSchema):
    """A record resource's operations as they are: every write answers with the output shape (what a read shows),
    not the input; the list takes ``?ordering=`` (the view's choices) and ``?include_archived=``."""

    def get_response_serializers(self) -> Any:
        view: Any = self.view
        if view.action in ("create", "update", "partial_update"):
            return view.output_serializer
        return super().get_response_serializers()

    def get_override_parameters(self) -> list[Any]:
        parameters = super().get_override_parameters()
        view: Any = self.view
        if view.action == "list":
            choices = sorted(view.orderings)
            parameters += [
                INCLUDE_ARCHIVED,
                OpenApiParameter("ordering", str, enum=choices, description="Sort order (default: newest first)."),
            ]
        return parameters


class RecordViewSet(TenantScopedMixin, viewsets.GenericViewSet):
    schema = RecordSchema()
    model: type[RecordModel]
    output_serializer: type[serializers.Serializer]
    input_serializer: type[serializers.Serializer]
    ordering = ("-created_at", "-id")
    # ?ordering=<key> → keyset ordering; every tuple ends in a unique column.
    orderings: dict[str, tuple[str, ...]] = {
        "created_at": ("created_at", "id"),
        "-created_at": ("-created_at", "-id"),
    }
    lookup_value_converter = "uuid"
    # True when the FilterSet's ``search`` ranks rows (core.search): results then come best match first.
    ranked_search = False

    def get_ordering(self) -> tuple[str, ...]:
        if self.ranked_search and self.request.query_params.get("search"):
            return ("-search_rank", "-id")
        return resolve_ordering(self.request.query_params.get("ordering"), self.orderings, self.ordering)

    def base_queryset(self) -> QuerySet[Any]:
        """The organisation's rows, with what the output serializer reads (override to add joins)."""
        return record_list(organization=self.organization, model=self.model)

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return super().get_queryset()  # no rows, for the schema
        qs = self.base_queryset()
        if self.action == "list" and self.request.query_params.get("include_archived") not in ("1", "true"):
            qs = qs.filter(archived_at__isnull=True)
        return qs

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action in ("create", "update", "partial_update"):
            return self.input_serializer
        return self.output_serializer

    def get_object(self) -> Any:
        return record_get(records=self.base_queryset(), pk=self.kwargs["pk"])

    def _respond(self, instance: RecordModel, status_code: int = 200) -> Response:
        data = self.output_serializer(instance, context=self.get_serializer_context()).data
        return conditional_response(self.request, data, version_tag=instance.etag, status=status_code)

    def _input(self, request: Request, *, partial: bool, instance: Any = None) -> dict[str, Any]:
        data = self.input_serializer(
            data=request.data, partial=partial, context={**self.get_serializer_context(), "instance": instance}
        )
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    # -- actions ----------------------------------------------------------------------------------------------
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            self.output_serializer(page, many=True, context=self.get_serializer_context()).data
        )

    @api_contract(if_none_match=True)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(self.get_object())

    @api_contract(idempotency_key=True)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        def perform() -> Response:
            data = self._input(request, partial=False)
            instance = record_create(model=self.model, organization=self.organization, by=self.membership, data=data)
            return self._respond(record_get(records=self.base_queryset(), pk=instance.pk), status.HTTP_201_CREATED)

        return idempotent(request, self, perform)

    def _update(self, request: Request, *, partial: bool) -> Response:
        instance = self.get_object()
        version = expected_version(request, instance)
        data = self._input(request, partial=partial, instance=instance)
        instance = record_update(instance=instance, by=self.membership, data=data, expected_version=version)
        return self._respond(record_get(records=self.base_queryset(), pk=instance.pk))

    @api_contract(if_match=True)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._update(request, partial=False)

    @api_contract(if_match=True)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._update(request, partial=True)

    @api_contract(if_match=True)
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        record_delete(instance=instance, by=self.membership, expected_version=expected_version(request, instance))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None)
    @api_contract(if_match=True)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        instance = record_archive(
            instance=instance, by=self.membership, expected_version=expected_version(request, instance)
        )
        return self._respond(instance)

    @extend_schema(request=None)
    @api_contract(if_match=True)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        instance = record_restore(
            instance=instance, by=self.membership, expected_version=expected_version(request, instance)
        )
        return self._respond(instance)


class TenantPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id, resolved inside the caller's organisation; an id that is not there is a 404.

    ``model`` names the referenced RecordModel; archived records can still be referenced by updates that keep
    them but not newly chosen (``allow_archived=False``, the default for pickers).
    """

    def __init__(self, *, model: type[models.Model], allow_archived: bool = False, **kwargs: Any) -> None:
        self.model = model
        self.allow_archived = allow_archived
        kwargs.setdefault("pk_field", serializers.UUIDField())
        super().__init__(queryset=record_list_none(model=model), **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        # An update may keep the record it already points at, even if that one was archived since.
        instance = self.context.get("instance")
        current = getattr(instance, f"{self.source_attrs[0]}_id", None) if instance is not None else None
        return record_choices(
            organization=self.context["view"].organization,
            model=self.model,
            current=current,
            include_archived=self.allow_archived,
        )

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            value = self.pk_field.to_internal_value(data) if self.pk_field else data
        except serializers.ValidationError:
            raise
        # One lookup per referenced record per request: 50 lines in the same unit cost one query, not 50.
        view = self.context.get("view")
        cache: dict[Any, Any] = getattr(view, "_references", None) if view is not None else None  # type: ignore[assignment]
        if cache is None:
            cache = {}
            if view is not None:
                view._references = cache
        instance_ = self.context.get("instance")
        current = getattr(instance_, f"{self.source_attrs[0]}_id", None) if instance_ is not None else None
        key = (self.model, self.allow_archived, current, value)
        if key not in cache:
            cache[key] = record_get(records=self.get_queryset(), pk=value)  # 404 when it is not there
        return cache[key]
