"""Web pages for a master-data resource, from one declaration: list, detail, create, edit, archive, restore.

A ``RecordPages`` names the model, its form, FilterSet, columns and capabilities; ``urls(namespace=app_name)``
returns the routes (all behind ``tenant_view``), named ``<namespace>:<slug>-<action>`` for ``reverse`` and
``{% url %}`` (``pages.names``, ``pages.url(...)``). Forms validate input; reads go through ``records.selectors``;
writes go through ``records.services`` (audit, version check, reference checks), exactly as the API's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.web import add_application_error, partial_template
from tradeloom.records.choices import record_label
from tradeloom.records.models import RecordModel
from tradeloom.records.selectors import record_choices, record_get, record_list
from tradeloom.records.services import record_archive, record_create, record_restore, record_update
from tradeloom.tenancy.roles import Capability, role_has
from tradeloom.tenancy.web import TenantRequest, tenant_view


class RecordForm(forms.ModelForm):
    """A ModelForm whose choices of related records are limited to the organisation's active ones."""

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        model_fields = {f.name: f for f in self._meta.model._meta.get_fields() if hasattr(f, "validators")}
        for name, form_field in self.fields.items():
            # The model's validators (minimum quantity, percent range …) run on the form too, so the error shows
            # on its field even where a service writes without a model full_clean (bulk rows).
            model_field = model_fields.get(name)
            if model_field is not None:
                form_field.validators += [v for v in model_field.validators if v not in form_field.validators]
            if isinstance(form_field, forms.ModelChoiceField):
                form_field.label_from_instance = record_label  # type: ignore[assignment]  # name · code
                # archived records are not offered, but a kept one stays
                form_field.queryset = record_choices(
                    organization=organization,
                    model=form_field.queryset.model,  # type: ignore[union-attr]
                    current=getattr(self.instance, f"{name}_id", None),
                )

    def _post_clean(self) -> None:
        # Model validation runs in the record services (with the version check and audit), not here.
        pass


PAGES_BY_MODEL: dict[type, RecordPages] = {}
# The pages of a resource; each one's URL name is ``<namespace>:<slug>-<action>`` (``partners:customers-detail``).
ACTIONS = ("list", "create", "detail", "edit", "archive", "restore")


def posted_version(request: TenantRequest) -> int | None:
    """The record version a form was rendered with (its hidden ``version``); a stale one gets a 412 refusal."""
    raw = request.POST.get("version", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise ApplicationError("The form is out of date. Reload the page.", code="precondition_failed", status=412)
    return int(raw)


@dataclass
class RecordPages:
    model: type[RecordModel]
    form_class: type[RecordForm]
    filterset_class: Any
    slug: str  # URL segment, e.g. "suppliers"
    title: str  # plural, e.g. "Suppliers"
    view_capability: Capability
    manage_capability: Capability
    columns: list[str]
    row_template: str
    detail_template: str = "records/detail.html"
    sorts: list[SortOption] = field(
        default_factory=lambda: [
            SortOption("newest", "Newest first", ("-created_at", "-id")),
            SortOption("oldest", "Oldest first", ("created_at", "id")),
        ]
    )
    select_related: tuple[str, ...] = ()
    prefetch: Any = ()  # callables returning Prefetch objects (or lookups) for the list rows
    detail_context: Any = None  # callable(request, instance) -> dict, for related lists on the detail page
    ranked_search: bool = False
    intro: str = ""
    namespace: str = ""  # the app's URL namespace (its urls.py ``app_name``), given to ``urls()``

    def __post_init__(self) -> None:
        PAGES_BY_MODEL[self.model] = self

    @property
    def singular(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def names(self) -> dict[str, str]:
        """The URL name of each page by action (``names["detail"]`` is ``partners:customers-detail``), for
        ``reverse`` and ``{% url pages.names.detail org_slug=organization.slug pk=row.pk %}``."""
        return {action: f"{self.namespace}:{self.slug}-{action}" for action in ACTIONS}

    def url(self, action: str, organization: Any, pk: Any = None) -> str:
        """The address of one of the pages (``pk`` for those of one record)."""
        kwargs = {"org_slug": organization.slug} if pk is None else {"org_slug": organization.slug, "pk": pk}
        return reverse(self.names[action], kwargs=kwargs)

    def base_queryset(self, request: TenantRequest) -> Any:
        prefetch = [p() if callable(p) else p for p in self.prefetch]
        return record_list(
            organization=request.organization, model=self.model, select_related=self.select_related, prefetch=prefetch
        )

    def get(self, request: TenantRequest, pk: Any) -> Any:
        return record_get(records=self.base_queryset(request), pk=pk)

    def context(self, request: TenantRequest, **extra: Any) -> dict[str, Any]:
        return {
            "nav": self.slug,
            "pages": self,
            "can_manage": role_has(request.membership.role, self.manage_capability),
            **extra,
        }

    # -- views --------------------------------------------------------------------------------------------------
    def list_view(self, request: TenantRequest) -> HttpResponse:
        qs = self.base_queryset(request)
        if request.GET.get("include_archived") != "1":
            qs = qs.filter(archived_at__isnull=True)
        sorts, sort_key = self.sorts, None
        if self.ranked_search and request.GET.get("search"):
            sorts = [SortOption("relevance", "Best match", ("-search_rank", "-id")), *self.sorts]
            if request.GET.get("sort") in (None, "", self.sorts[0].key):  # searching: best match unless asked
                sort_key = "relevance"
        page = list_page(request, qs, filterset_class=self.filterset_class, sorts=sorts, sort_key=sort_key)
        template = partial_template(request, "records/list.html", "record-list")
        return render(request, template, self.context(request, page=page, columns=self.columns))

    def facts(self, instance: Any, organization: Any) -> list[tuple[str, Any, str | None]]:
        """Label, display value and link of each field the form edits (choices by label, references by name and
        linked to their page)."""
        facts = []
        for name in self.form_class._meta.fields or ():
            model_field = self.model._meta.get_field(name)
            display = getattr(instance, f"get_{name}_display", None)
            value = display() if callable(display) else getattr(instance, name)
            if isinstance(value, bool):
                value = "Yes" if value else "No"
            related_pages = PAGES_BY_MODEL.get(getattr(model_field, "related_model", None) or type(None))
            url = related_pages.url("detail", organization, value.pk) if related_pages and value is not None else None
            facts.append((str(getattr(model_field, "verbose_name", name)).capitalize(), value, url))
        return facts

    def detail_view(self, request: TenantRequest, pk: Any) -> HttpResponse:
        instance = self.get(request, pk)
        extra = self.detail_context(request, instance) if self.detail_context else {}
        facts = self.facts(instance, request.organization)
        context = self.context(request, object=instance, facts=facts, **extra)
        return render(request, self.detail_template, context)

    def form_view(self, request: TenantRequest, pk: Any = None) -> HttpResponse:
        instance = self.get(request, pk) if pk else None
        initial = {k: v for k, v in request.GET.items() if k in self.form_class._meta.fields}  # type: ignore[operator]
        form = self.form_class(
            request.POST or None, instance=instance, initial=initial, organization=request.organization
        )
        if request.method == "POST" and form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.fields}
            try:
                with transaction.atomic():
                    if instance is None:
                        instance = record_create(
                            model=self.model, organization=request.organization, by=request.membership, data=data
                        )
                    else:
                        instance = record_update(
                            instance=instance,
                            by=request.membership,
                            data=data,
                            expected_version=posted_version(request),
                        )
            except ApplicationError as error:
                add_application_error(form, error)
            except IntegrityError:  # lost a race with another save (e.g. two primary contacts at once)
                form.add_error(None, "Someone saved a conflicting record at the same moment. Check and try again.")
            else:
                messages.success(request, f"{str(self.singular).capitalize()} “{instance}” saved.")
                return redirect(self.names["detail"], org_slug=request.organization.slug, pk=instance.pk)
        return render(request, "records/form.html", self.context(request, form=form, object=instance))

    def state_view(self, request: TenantRequest, pk: Any, action: str) -> HttpResponse:
        instance = self.get(request, pk)
        change = record_archive if action == "archive" else record_restore
        try:
            change(instance=instance, by=request.membership, expected_version=posted_version(request))
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"“{instance}” {'archived' if action == 'archive' else 'restored'}.")
        return redirect(self.names["detail"], org_slug=request.organization.slug, pk=instance.pk)

    def urls(self, namespace: str) -> list[URLPattern]:
        """The routes of the pages, for the urls.py of the app whose ``app_name`` is ``namespace``."""
        self.namespace = namespace
        view, manage = self.view_capability, self.manage_capability
        name = self.slug
        return [
            path(f"{name}/", tenant_view(GET=view)(self.list_view), name=f"{name}-list"),
            path(f"{name}/new/", tenant_view(GET=manage, POST=manage)(self.form_view), name=f"{name}-create"),
            path(f"{name}/<uuid:pk>/", tenant_view(GET=view)(self.detail_view), name=f"{name}-detail"),
            path(f"{name}/<uuid:pk>/edit/", tenant_view(GET=manage, POST=manage)(self.form_view), name=f"{name}-edit"),
            path(
                f"{name}/<uuid:pk>/archive/",
                tenant_view(POST=manage)(self.state_view),
                {"action": "archive"},
                name=f"{name}-archive",
            ),
            path(
                f"{name}/<uuid:pk>/restore/",
                tenant_view(POST=manage)(self.state_view),
                {"action": "restore"},
                name=f"{name}-restore",
            ),
        ]
