"""Report pages: the index (a card per report) and each report's page — its filters, a chart and its tables —
with ``?format=xlsx`` for the same tables as a workbook. Bad filters show the form with the error next to its field
and no figures. Only members whose role holds ``reports.view`` (managers, accounts, admins, owners) see them."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from tradeloom.reports.capabilities import REPORTS_VIEW
from tradeloom.reports.forms import ReportFilterForm
from tradeloom.reports.presentation import table_cells
from tradeloom.reports.selectors import KINDS, Column, report_run
from tradeloom.reports.xlsx import report_xlsx
from tradeloom.tenancy.web import TenantRequest, tenant_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@tenant_view(GET=REPORTS_VIEW)
def index_view(request: TenantRequest) -> HttpResponse:
    slug = request.organization.slug
    cards = [
        {
            "key": kind.key,
            "title": kind.title,
            "summary": kind.summary,
            "url": reverse(f"reports:{kind.key}", kwargs={"org_slug": slug}),
        }
        for kind in KINDS.values()
    ]
    return render(request, "reports/index.html", {"nav": "reports", "cards": cards})


@tenant_view(GET=REPORTS_VIEW)
def report_view(request: TenantRequest, key: str) -> HttpResponse:
    kind = KINDS[key]
    organization = request.organization
    form = ReportFilterForm(request.GET, kind=kind, organization=organization, today=timezone.localdate(), pickers=True)
    context: dict[str, Any] = {"nav": "reports", "kind": kind, "form": form, "report": None}
    if not form.is_valid():
        return render(request, "reports/report.html", context)
    report = report_run(organization=organization, key=key, filters=form.filters())
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(report_xlsx(report), content_type=XLSX)
        name = f"{slugify(report.title)}-{timezone.localdate():%Y-%m-%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def link(column: Column, row: dict[str, Any]) -> str | None:
        if column.key == "order" and row.get("order_id"):
            return reverse("sales:order", kwargs={"org_slug": organization.slug, "order_id": row["order_id"]})
        return None

    query = request.GET.copy()
    query["format"] = "xlsx"
    context |= {
        "report": report,
        "chart": orjson.dumps(report.chart).decode() if report.rows else None,
        "rows": table_cells(report.columns, report.rows),
        "totals": table_cells(report.columns, [report.totals])[0] if report.totals else None,
        "tables": [{"section": s, "rows": table_cells(s.columns, s.rows, link)} for s in report.sections],
        "xlsx_url": f"?{query.urlencode()}",
    }
    return render(request, "reports/report.html", context)
