"""Where approvals plug into the rest: new organisations get the standard gates and rules, new lines get the
default gates, and line status moves are checked against the gating rules."""

from __future__ import annotations


def register() -> None:
    from tradeloom.approvals import selectors, services
    from tradeloom.sales.selectors import ORDER_LIST_ANNOTATIONS
    from tradeloom.sales.services import LINE_STATUS_CHECKS, LINES_CREATED_HOOKS
    from tradeloom.tenancy.services import ORGANIZATION_CREATED_HOOKS

    for registry, hook in (
        (ORGANIZATION_CREATED_HOOKS, services.gates_create_defaults),
        (LINES_CREATED_HOOKS, services.gates_attach_defaults),
        (LINE_STATUS_CHECKS, services.line_status_check),
    ):
        if hook not in registry:
            registry.append(hook)  # type: ignore[arg-type]
    ORDER_LIST_ANNOTATIONS["gate_states"] = selectors.order_gate_states
