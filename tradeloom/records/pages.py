"""Web pages for a master-data resource, from one declaration: list, detail, create, edit, archive, restore.

A ``RecordPages`` names the model, its form, FilterSet, columns and capabilities; ``urls()`` returns the routes
(all behind ``tenant_view``). Forms validate input; writes go through ``records.services`` (audit, version
check, reference checks), exactly as the API's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.web import add_application_error, partial_template
from tradeloom.records.models import RecordModel
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
                model = form_field.queryset.model  # type: ignore[union-attr]
                qs = model._default_manager.filter(organization=organization)
                current = getattr(self.instance, f"{name}_id", None)
                if hasattr(model, "archived_at"):  # archived records are not offered, but a kept one stays
                    qs = qs.filter(Q(archived_at__isnull=True) | Q(pk=current))
                form_field.queryset = qs

    def _post_clean(self) -> None:
        # Model validation runs in the record services (with the version check and audit), not here.
        pass


PAGES_BY_MODEL: dict[type, RecordPages] = {}


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

    def __post_init__(self) -> None:
        PAGES_BY_MODEL[self.model] = self

    @property
    def singular(self) -> str:
        return str(self.model._meta.verbose_name)

    def base_queryset(self, request: TenantRequest) -> Any:
        qs = self.model._default_manager.filter(organization=request.organization)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch:
            qs = qs.prefetch_related(*(p() if callable(p) else p for p in self.prefetch))
        return qs

    def get(self, request: TenantRequest, pk: Any) -> Any:
        instance = self.base_queryset(request).filter(pk=pk).first()
        if instance is None:
            raise Http404(f"No such {self.singular}.")
        return instance

    def context(self, request: TenantRequest, **extra: Any) -> dict[str, Any]:
        return {
            "nav": self.slug,
            "pages": self,
            "base": f"/o/{request.organization.slug}/{self.slug}/",
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

    def facts(self, instance: Any) -> list[tuple[str, Any, str | None]]:
        """Label, display value and link of each field the form edits (choices by label, references by name and
        linked to their page)."""
        facts = []
        base = "/o/{org}/"
        for name in self.form_class._meta.fields or ():
            model_field = self.model._meta.get_field(name)
            display = getattr(instance, f"get_{name}_display", None)
            value = display() if callable(display) else getattr(instance, name)
            if isinstance(value, bool):
                value = "Yes" if value else "No"
            related_pages = PAGES_BY_MODEL.get(getattr(model_field, "related_model", None) or type(None))
            url = f"{base}{related_pages.slug}/{value.pk}/" if related_pages and value is not None else None
            facts.append((str(getattr(model_field, "verbose_name", name)).capitalize(), value, url))
        return facts

    def detail_view(self, request: TenantRequest, pk: Any) -> HttpResponse:
        instance = self.get(request, pk)
        extra = self.detail_context(request, instance) if self.detail_context else {}
        facts = [
            (label, value, url.replace("{org}", request.organization.slug) if url else None)
            for label, value, url in self.facts(instance)
        ]
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
                return redirect(f"/o/{request.organization.slug}/{self.slug}/{instance.pk}/")
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
        return redirect(f"/o/{request.organization.slug}/{self.slug}/{instance.pk}/")

    def urls(self) -> list[URLPattern]:
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
