"""Webhooks pages, in the organisation's settings: endpoints, an endpoint with its delivery log, a delivery with its
attempts; the secret on demand, rotation, a test event, replays. Owners and admins only (``webhooks.manage``)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.web import add_application_error, partial_template
from tradeloom.records.pages import posted_version
from tradeloom.tenancy.web import TenantRequest, tenant_view
from tradeloom.webhooks import schedule, selectors, services
from tradeloom.webhooks.capabilities import WEBHOOKS_MANAGE
from tradeloom.webhooks.filters import DeliveryFilter
from tradeloom.webhooks.forms import EndpointForm, ReplayFailedForm
from tradeloom.webhooks.models import Endpoint

M = WEBHOOKS_MANAGE
NEWEST = [SortOption("newest", "Newest first", ("-created_at", "-id"))]
LOG_SORTS = [*NEWEST, SortOption("oldest", "Oldest first", ("created_at", "id"))]


def _ids(request: TenantRequest, endpoint: Endpoint, **more: Any) -> dict[str, Any]:
    return {"org_slug": request.organization.slug, "endpoint_id": endpoint.pk, **more}


@tenant_view(GET=M)
def endpoint_list_view(request: TenantRequest) -> HttpResponse:
    endpoints = list(selectors.endpoint_list(organization=request.organization).order_by("-created_at", "-id")[:200])
    return render(request, "webhooks/endpoint_list.html", {"nav": "webhooks", "endpoints": endpoints})


def _form_page(request: TenantRequest, form: EndpointForm, endpoint: Endpoint | None) -> HttpResponse:
    return render(request, "webhooks/endpoint_form.html", {"nav": "webhooks", "form": form, "endpoint": endpoint})


@tenant_view(GET=M, POST=M)
def endpoint_create_view(request: TenantRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(
                organization=request.organization, by=request.membership, data=dict(form.cleaned_data)
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "Endpoint added. Copy its signing secret now; your receiver verifies with it.")
            return redirect("webhooks:endpoint-secret", **_ids(request, endpoint))
    return _form_page(request, form, None)


@tenant_view(GET=M, POST=M)
def endpoint_edit_view(request: TenantRequest, endpoint_id: Any) -> HttpResponse:
    endpoint = selectors.endpoint_get(organization=request.organization, pk=endpoint_id)
    initial = {name: getattr(endpoint, name) for name in ("url", "description", "event_types", "is_active")}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(
                endpoint=endpoint,
                by=request.membership,
                data=dict(form.cleaned_data),
                expected_version=posted_version(request),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "Endpoint saved.")
            return redirect("webhooks:endpoint", **_ids(request, endpoint))
    return _form_page(request, form, endpoint)


@tenant_view(GET=M)
def endpoint_detail_view(request: TenantRequest, endpoint_id: Any) -> HttpResponse:
    endpoint = selectors.endpoint_get(organization=request.organization, pk=endpoint_id)
    page = list_page(
        request, selectors.delivery_list(endpoint=endpoint), filterset_class=DeliveryFilter, sorts=LOG_SORTS
    )
    labels = {t.code: t.label for t in selectors.event_type_list()}
    context = {
        "nav": "webhooks",
        "endpoint": endpoint,
        "page": page,
        "columns": [f"Time ({timezone.get_current_timezone_name()})", "Event", "Status", "Attempts", "Answer", ""],
        "replay_form": ReplayFailedForm(initial={"since": timezone.localtime() - schedule.DISABLE_AFTER_FAILING_FOR}),
        "subscribed": [(code, labels.get(code, code)) for code in endpoint.event_types],
    }
    return render(request, partial_template(request, "webhooks/endpoint_detail.html", "delivery-list"), context)


@tenant_view(GET=M, POST=M)
def endpoint_secret_view(request: TenantRequest, endpoint_id: Any) -> HttpResponse:
    """GET shows the secret (to owners and admins, on demand); POST rotates it."""
    endpoint = selectors.endpoint_get(organization=request.organization, pk=endpoint_id)
    if request.method == "POST":
        try:
            services.endpoint_rotate_secret(
                endpoint=endpoint, by=request.membership, expected_version=posted_version(request)
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "A new secret signs from now on; the previous one also signs for 24 hours.")
        return redirect("webhooks:endpoint-secret", **_ids(request, endpoint))
    response = render(request, "webhooks/endpoint_secret.html", {"nav": "webhooks", "endpoint": endpoint})
    response["Cache-Control"] = "no-store"
    return response


@tenant_view(POST=M)
def endpoint_test_view(request: TenantRequest, endpoint_id: Any) -> HttpResponse:
    endpoint = selectors.endpoint_get(organization=request.organization, pk=endpoint_id)
    delivery = services.endpoint_send_test(endpoint=endpoint, by=request.membership)
    messages.success(request, "Test event queued: its attempt shows below in a moment.")
    return redirect("webhooks:delivery", **_ids(request, endpoint, webhook_delivery_id=delivery.pk))


@tenant_view(POST=M)
def replay_failed_view(request: TenantRequest, endpoint_id: Any) -> HttpResponse:
    endpoint = selectors.endpoint_get(organization=request.organization, pk=endpoint_id)
    form = ReplayFailedForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the time from which failed deliveries are sent again.")
    else:
        try:
            count = services.deliveries_replay_failed(
                endpoint=endpoint, since=form.cleaned_data["since"], by=request.membership
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"{count} failed deliver{'y' if count == 1 else 'ies'} will be sent again within a minute."
            )
    return redirect("webhooks:endpoint", **_ids(request, endpoint))


@tenant_view(GET=M)
def delivery_detail_view(request: TenantRequest, endpoint_id: Any, webhook_delivery_id: Any) -> HttpResponse:
    endpoint = selectors.endpoint_get(organization=request.organization, pk=endpoint_id)
    delivery = selectors.delivery_get(endpoint=endpoint, pk=webhook_delivery_id)
    try:  # shown formatted; the signature covers the body as sent (the API's detail gives it as it is)
        body = json.dumps(json.loads(delivery.message.body), indent=2, ensure_ascii=False)
    except ValueError:
        body = delivery.message.body
    context = {
        "nav": "webhooks",
        "endpoint": endpoint,
        "delivery": delivery,
        "attempts": delivery.attempt_log.all(),
        "body": body,
    }
    return render(request, "webhooks/delivery_detail.html", context)


@tenant_view(POST=M)
def delivery_replay_view(request: TenantRequest, endpoint_id: Any, webhook_delivery_id: Any) -> HttpResponse:
    endpoint = selectors.endpoint_get(organization=request.organization, pk=endpoint_id)
    delivery = selectors.delivery_get(endpoint=endpoint, pk=webhook_delivery_id)
    try:
        services.delivery_replay(delivery=delivery, by=request.membership)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Sent again, with the same webhook-id.")
    return redirect("webhooks:delivery", **_ids(request, endpoint, webhook_delivery_id=delivery.pk))
