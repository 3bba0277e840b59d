from django.urls import path

from tradeloom.approvals.api import views

LINE = "orders/<uuid:order_id>/lines/<uuid:line_id>/"

ROUTE_PRIORITY = 20  # see config/urls.py

urlpatterns = [
    path("approvals/gates/", views.GatesApi.as_view(), name="approval-gates"),
    path("approvals/gates/<uuid:gate_id>/", views.GateApi.as_view(), name="approval-gate"),
    path("approvals/rules/", views.RulesApi.as_view(), name="approval-rules"),
    path("approvals/rules/<uuid:rule_id>/", views.RuleApi.as_view(), name="approval-rule"),
    path("approvals/board/", views.BoardApi.as_view(), name="approval-board"),
    path("approvals/board/summary/", views.BoardSummaryApi.as_view(), name="approval-board-summary"),
    path("approvals/bulk/", views.BulkApi.as_view(), name="approval-bulk"),
    path("approvals/line-gates/<uuid:line_gate_id>/entries/", views.EntriesApi.as_view(), name="approval-entries"),
    path("approvals/entries/<uuid:entry_id>/correct/", views.EntryCorrectionApi.as_view(), name="approval-correct"),
    path(
        "approvals/entries/<uuid:entry_id>/attachments/",
        views.EntryAttachmentsApi.as_view(),
        name="approval-entry-attachments",
    ),
    path("approvals/samples/<uuid:sample_id>/dispatch/", views.SampleDispatchApi.as_view(), name="sample-dispatch"),
    path("approvals/samples/<uuid:sample_id>/decide/", views.SampleDecisionApi.as_view(), name="sample-decide"),
    path(
        "approvals/samples/<uuid:sample_id>/attachments/",
        views.SampleAttachmentsApi.as_view(),
        name="sample-attachments",
    ),
    path("approvals/attachments/<uuid:attachment_id>/", views.AttachmentApi.as_view(), name="approval-attachment"),
    path("orders/<uuid:order_id>/approvals/", views.OrderApprovalsApi.as_view(), name="order-approvals"),
    path(f"{LINE}gates/", views.LineGatesApi.as_view(), name="line-gates"),
    path(f"{LINE}samples/", views.SamplesApi.as_view(), name="line-samples"),
]
