from django.urls import path

from tradeloom.production.api import views

WO = "work-orders/<uuid:work_order_id>/"
REQUIREMENT = f"{WO}requirements/<uuid:requirement_id>/"

ROUTE_PRIORITY = 46  # see config/urls.py

urlpatterns = [
    path("work-orders/", views.WorkOrdersApi.as_view(), name="work-orders"),
    path(WO, views.WorkOrderApi.as_view(), name="work-order"),
    path(f"{WO}release/", views.WorkOrderReleaseApi.as_view(), name="work-order-release"),
    path(f"{WO}start/", views.WorkOrderStartApi.as_view(), name="work-order-start"),
    path(f"{WO}complete/", views.WorkOrderCompleteApi.as_view(), name="work-order-complete"),
    path(f"{WO}cancel/", views.WorkOrderCancelApi.as_view(), name="work-order-cancel"),
    path(f"{WO}reopen/", views.WorkOrderReopenApi.as_view(), name="work-order-reopen"),
    path(f"{WO}entries/", views.WorkOrderEntriesApi.as_view(), name="work-order-entries"),
    path(f"{WO}receive/", views.WorkOrderReceiveApi.as_view(), name="work-order-receive"),
    path(REQUIREMENT, views.RequirementApi.as_view(), name="work-order-requirement"),
    path(f"{REQUIREMENT}issue/", views.RequirementIssueApi.as_view(), name="work-order-requirement-issue"),
    path("production/entries/", views.ProductionReportApi.as_view(), name="production-entries"),
    path(
        "production/entries/<uuid:production_entry_id>/correct/",
        views.EntryCorrectApi.as_view(),
        name="production-entry-correct",
    ),
]
