"""Approvals pages: the order's approvals panel (gates per line with their timelines, samples, bulk), the actions
it posts, the approvals board, and the settings page for gates and gating rules."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from tradeloom.approvals import selectors, services, states
from tradeloom.approvals.filters import BoardFilter
from tradeloom.approvals.forms import (
    BulkForm,
    CorrectionForm,
    DecisionForm,
    DispatchForm,
    GateForm,
    LineGateForm,
    RuleForm,
    SampleForm,
    StepForm,
)
from tradeloom.approvals.models import Gate, GateRule, LineGate, Sample
from tradeloom.core.exceptions import ApplicationError
from tradeloom.core.listing import SortOption, list_page
from tradeloom.core.web import form_action, partial_template, posted_uuid
from tradeloom.sales.capabilities import ORDERS_MANAGE, ORDERS_VIEW
from tradeloom.sales.models import Line, Order
from tradeloom.tenancy.capabilities import ORGANIZATION_MANAGE
from tradeloom.tenancy.roles import Role, role_has
from tradeloom.tenancy.web import TenantRequest, tenant_stream, tenant_view


def _order(request: TenantRequest, order_id: Any) -> Order:
    return selectors.order_with_lines_get(organization=request.organization, membership=request.membership, pk=order_id)


def _back(request: TenantRequest, order: Order) -> HttpResponse:
    url = reverse("sales:order", kwargs={"org_slug": request.organization.slug, "order_id": order.pk})
    return redirect(f"{url}?tab=approvals")


def _order_lines(order: Order) -> list[Line]:
    return list(order.lines.all())


def _gates(request: TenantRequest, order: Order) -> list[Gate]:
    return list(selectors.gate_list_for_order(organization=request.organization, order=order))


@tenant_view(GET=ORDERS_VIEW)
def order_approvals_panel_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    """The approvals tab's content (loaded into the order page): per style and per line, every gate with its
    timeline, the samples, and the forms that move them."""
    order = _order(request, order_id)
    line_gates = selectors.order_gates(order=order)
    samples = selectors.order_samples(order=order)
    lines = _order_lines(order)
    gates = _gates(request, order)
    by_line: dict[Any, list[LineGate]] = {}
    for line_gate in line_gates:
        # each row's forms get their own ids (a page holds many of them)
        entries = list(line_gate.entries.all())
        superseded = {e.supersedes_id for e in entries if e.supersedes_id}
        for entry in entries:
            entry.superseded = entry.pk in superseded  # type: ignore[attr-defined]
            entry.correction_form = CorrectionForm(auto_id=f"fix-{entry.pk}-%s")  # type: ignore[attr-defined]
        line_gate.history = entries  # type: ignore[attr-defined]
        line_gate.step_form = StepForm(auto_id=f"step-{line_gate.pk}-%s")  # type: ignore[attr-defined]
        by_line.setdefault(line_gate.line_id, []).append(line_gate)
    samples_by_line: dict[Any, list[Sample]] = {}
    for sample in samples:
        if sample.status == Sample.Status.PENDING:
            sample.action_form = DispatchForm(auto_id=f"send-{sample.pk}-%s")  # type: ignore[attr-defined]
        elif sample.status == Sample.Status.SUBMITTED:
            sample.action_form = DecisionForm(auto_id=f"decide-{sample.pk}-%s")  # type: ignore[attr-defined]
        samples_by_line.setdefault(sample.line_id, []).append(sample)
    gate_names = {g.code: g.name for g in gates} | {lg.gate.code: lg.gate.name for lg in line_gates}
    style_rows = []
    for style in order.styles.all():
        per_gate: dict[str, list[str]] = {}
        for line_gate in line_gates:
            if line_gate.line.style_id == style.pk:
                per_gate.setdefault(line_gate.gate.code, []).append(line_gate.state)
        style_rows.append(
            (style, [selectors.GateBadge(c, gate_names[c], states.aggregate(v)) for c, v in per_gate.items()])
        )
    role = request.membership.role
    context = {
        "order": order,
        "style_rows": style_rows,
        "line_rows": [(line, by_line.get(line.pk, []), samples_by_line.get(line.pk, [])) for line in lines],
        "can_manage": role_has(role, ORDERS_MANAGE),
        "can_override": role in (Role.OWNER, Role.ADMIN),
        "bulk_form": BulkForm(gates=gates, lines=lines, auto_id="bulk-%s"),
        "line_gate_form": LineGateForm(gates=gates, lines=lines, auto_id="lg-%s"),
        "sample_form": SampleForm(gates=gates, lines=lines, auto_id="sample-%s"),
        "badges": states.BADGES,
        "labels": states.LABELS,
        "today": timezone.localdate(),
    }
    return render(request, "approvals/_order_panel.html", context)


@tenant_view(POST=ORDERS_MANAGE)
def entry_record_view(request: TenantRequest, order_id: Any, line_gate_id: Any) -> HttpResponse:
    order = _order(request, order_id)
    line_gate = selectors.order_line_gate_get(order=order, pk=line_gate_id)
    form = StepForm(request.POST, request.FILES)

    def record(data: dict[str, Any]) -> str:
        entry = services.entry_record(
            line_gate=line_gate,
            by=request.membership,
            state=data["state"],
            effective_date=data["effective_date"],
            note=data["note"],
            override_reason=data["override_reason"],
            files=data["attachments"],
        )
        backdated = " (backdated)" if entry.is_backdated else ""
        return f"{line_gate.gate} for {line_gate.line}: {states.LABELS[entry.state].lower()}{backdated}."

    form_action(request, form, record)
    return _back(request, order)


@tenant_view(POST=ORDERS_MANAGE)
def entry_correct_view(request: TenantRequest, order_id: Any, entry_id: Any) -> HttpResponse:
    order = _order(request, order_id)
    entry = selectors.order_gate_entry_get(order=order, pk=entry_id)
    form = CorrectionForm(request.POST)

    def correct(data: dict[str, Any]) -> str:
        services.entry_correct(entry=entry, by=request.membership, **data)
        return "Corrected; the earlier entry stays in the history, marked as superseded."

    form_action(request, form, correct)
    return _back(request, order)


@tenant_view(POST=ORDERS_MANAGE)
def line_gate_add_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    order = _order(request, order_id)
    lines = _order_lines(order)
    gates = _gates(request, order)
    form = LineGateForm(request.POST, gates=gates, lines=lines)

    def add(data: dict[str, Any]) -> str:
        line = next(line for line in lines if str(line.pk) == data["line"])
        gate = next(gate for gate in gates if gate.code == data["gate"])
        services.line_gate_add(line=line, gate=gate, by=request.membership)
        return f"{gate} added to {line}."

    form_action(request, form, add)
    return _back(request, order)


@tenant_view(POST=ORDERS_MANAGE)
def bulk_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    order = _order(request, order_id)
    lines = _order_lines(order)
    gates = _gates(request, order)
    form = BulkForm(request.POST, gates=gates, lines=lines)

    def apply(data: dict[str, Any]) -> str:
        chosen = [line for line in lines if str(line.pk) in set(data["lines"])]
        gate = next(gate for gate in gates if gate.code == data["gate"])
        entries = services.gates_set_bulk(
            lines=chosen,
            gate=gate,
            by=request.membership,
            state=data["state"],
            effective_date=data["effective_date"],
            note=data["note"],
            override_reason=data["override_reason"],
        )
        return f"{gate}: {states.LABELS[data['state']].lower()} for {len(entries)} line{'s' * (len(entries) != 1)}."

    form_action(request, form, apply)
    return _back(request, order)


@tenant_view(POST=ORDERS_MANAGE)
def sample_create_view(request: TenantRequest, order_id: Any) -> HttpResponse:
    order = _order(request, order_id)
    lines = _order_lines(order)
    gates = _gates(request, order)
    form = SampleForm(request.POST, gates=gates, lines=lines)

    def register(data: dict[str, Any]) -> str:
        line = next(line for line in lines if str(line.pk) == data["line"])
        gate = next(gate for gate in gates if gate.code == data["gate"])
        fields = {k: data[k] for k in ("recipient", "courier", "awb_number")}
        sample = services.sample_create(line=line, gate=gate, by=request.membership, data=fields)
        return f"{sample} registered for {line}."

    form_action(request, form, register)
    return _back(request, order)


@tenant_view(POST=ORDERS_MANAGE)
def sample_dispatch_view(request: TenantRequest, order_id: Any, sample_id: Any) -> HttpResponse:
    order = _order(request, order_id)
    sample = selectors.order_sample_get(order=order, pk=sample_id)
    form = DispatchForm(request.POST)

    def dispatch(data: dict[str, Any]) -> str:
        services.sample_dispatch(sample=sample, by=request.membership, **data)
        return f"{sample} for {sample.line} sent; {sample.gate} is waiting for the buyer."

    form_action(request, form, dispatch)
    return _back(request, order)


@tenant_view(POST=ORDERS_MANAGE)
def sample_decide_view(request: TenantRequest, order_id: Any, sample_id: Any) -> HttpResponse:
    order = _order(request, order_id)
    sample = selectors.order_sample_get(order=order, pk=sample_id)
    form = DecisionForm(request.POST)

    def decide(data: dict[str, Any]) -> str:
        approve = data["decision"] == "approve"
        services.sample_decide(
            sample=sample,
            by=request.membership,
            approve=approve,
            decided_on=data["decided_on"],
            buyer_comments=data["buyer_comments"],
        )
        return f"{sample} for {sample.line} {'approved' if approve else 'rejected'}."

    form_action(request, form, decide)
    return _back(request, order)


@tenant_view(GET=ORDERS_VIEW)
def attachment_download_view(request: TenantRequest, attachment_id: Any) -> FileResponse:
    attachment = selectors.attachment_get(
        organization=request.organization, membership=request.membership, pk=attachment_id
    )
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


BOARD_SORTS = [
    SortOption("recent", "Recently moved", ("-updated_at", "-id")),
    SortOption("waiting", "Waiting longest", ("state_since", "id")),
]


@tenant_view(GET=ORDERS_VIEW)
def board_view(request: TenantRequest) -> HttpResponse:
    """Lines by gate and state: a count per gate and state (click to filter), and the filtered lines."""
    org = request.organization
    qs = selectors.board(organization=org, membership=request.membership)
    if request.GET.get("sort") == "waiting":
        qs = qs.filter(state_since__isnull=False)
    page = list_page(request, qs, filterset_class=BoardFilter, sorts=BOARD_SORTS)
    matrix_filter = BoardFilter({k: v for k, v in request.GET.items() if k != "state"}, queryset=qs, request=request)
    matrix = selectors.board_matrix(matrix_filter.qs) if matrix_filter.is_valid() else []
    query = urlencode({k: str(v) for k, v in request.GET.items() if k not in ("state", "gate", "cursor") and v})
    context = {
        "nav": "approvals",
        "page": page,
        "matrix": matrix,
        "matrix_query": query,
        "state_choices": states.STATES,
        "badges": states.BADGES,
        "labels": states.LABELS,
        "stuck_days": selectors.stuck_days(organization=org),
        "today": timezone.localdate(),
        "columns": ["Gate", "Order / line", "Customer", "State", "Since", ""],
    }
    return render(request, partial_template(request, "approvals/board.html", "board-list"), context)


class _Echo:
    def write(self, value: str) -> str:
        return value


EXPORT_HEADER = ["order", "po", "customer", "style", "colour", "cad", "gate", "state", "round", "since", "days"]
EXPORT_LIMIT = 100_000


@tenant_view(GET=ORDERS_VIEW)
def board_export_view(request: TenantRequest) -> StreamingHttpResponse:
    """The board's lines as CSV, with the board's filters; the state is the same ``LineGate.state`` every page
    shows. Streamed in chunks, at most 100,000 rows."""
    qs = selectors.board(organization=request.organization, membership=request.membership)
    filterset = BoardFilter(request.GET, queryset=qs, request=request)  # bound: no filters means every line
    rows = filterset.qs if filterset.is_valid() else qs.none()
    today = timezone.localdate()
    writer = csv.writer(_Echo())

    def lines() -> Any:
        yield writer.writerow(EXPORT_HEADER)
        for lg in rows.order_by("line__order__number", "line__position", "gate__position")[:EXPORT_LIMIT].iterator(
            chunk_size=2000
        ):
            line, order = lg.line, lg.line.order
            days = (today - lg.state_since).days if lg.state_since else ""
            yield writer.writerow(
                [
                    order.number,
                    order.po_number,
                    str(order.customer),
                    line.style.style_number,
                    line.colour_code,
                    line.cad_code,
                    lg.gate.name,
                    lg.state,
                    lg.round,
                    lg.state_since or "",
                    days,
                ]
            )

    response = StreamingHttpResponse(tenant_stream(request, lines), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="approvals.csv"'
    return response


@tenant_view(GET=ORDERS_VIEW, POST=ORGANIZATION_MANAGE)
def settings_view(request: TenantRequest) -> HttpResponse:
    """Gates (standard and custom: add, rename, default for new lines, archive) and gating rules."""
    org = request.organization
    gates = list(selectors.gate_list(organization=org))
    active = [g for g in gates if g.archived_at is None]
    gate_form, rule_form = GateForm(prefix="gate"), RuleForm(gates=active, prefix="rule")
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "add_gate":
            gate_form = GateForm(request.POST, prefix="gate")
            form_action(
                request,
                gate_form,
                lambda d: f"Gate “{services.gate_create(organization=org, by=request.membership, **d)}” added.",
            )
        elif action in ("default_on", "default_off", "archive", "restore"):
            gate = next((g for g in gates if str(g.pk) == request.POST.get("gate")), None)
            if gate is None:
                raise Http404("No such gate.")
            change = {
                "default_on": {"applies_by_default": True},
                "default_off": {"applies_by_default": False},
                "archive": {"archived": True},
                "restore": {"archived": False},
            }[action]
            try:
                services.gate_update(gate=gate, by=request.membership, data=change)
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"{gate} saved.")
        elif action == "set_rule":
            rule_form = RuleForm(request.POST, gates=active, prefix="rule")

            def set_rule(d: dict[str, Any]) -> str:
                gate = next((g for g in active if g.code == d["gate"]), None)
                services.rule_set(
                    organization=org,
                    by=request.membership,
                    kind=d["kind"],
                    gate=gate,
                    line_status=d["line_status"] if d["kind"] == GateRule.Kind.LINE_STATUS else "",
                    requires=d["requires"],
                )
                return "Rule saved."

            form_action(request, rule_form, set_rule)
        elif action == "delete_rule":
            rule_id = posted_uuid(request, "rule")
            if rule_id is None:
                raise Http404("No such rule.")
            rule = selectors.gate_rule_get(organization=org, pk=rule_id)
            services.rule_delete(rule=rule, by=request.membership)
            messages.success(request, "Rule removed.")
        return redirect("approvals:settings", org_slug=org.slug)
    rules = selectors.gate_rule_list(organization=org)
    names = {g.code: g.name for g in gates}
    context = {
        "nav": "approval-settings",
        "gates": gates,
        "rules": [(rule, [names.get(code, code) for code in rule.requires]) for rule in rules],
        "gate_form": gate_form,
        "rule_form": rule_form,
        "can_manage": role_has(request.membership.role, ORGANIZATION_MANAGE),
        "statuses": dict(Line.Status.choices),
    }
    return render(request, "approvals/settings.html", context)
