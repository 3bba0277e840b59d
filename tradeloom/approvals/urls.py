from django.urls import path

from tradeloom.approvals import views

app_name = "approvals"

ORDER = "orders/<uuid:order_id>/approvals/"

urlpatterns = [
    path("approvals/", views.board_view, name="board"),
    path("approvals/settings/", views.settings_view, name="settings"),
    path("approvals/export.csv", views.board_export_view, name="export"),
    path("approvals/attachments/<uuid:attachment_id>/", views.attachment_download_view, name="attachment"),
    path(ORDER, views.order_approvals_panel_view, name="order-panel"),
    path(f"{ORDER}line-gates/<uuid:line_gate_id>/entries/", views.entry_record_view, name="entry-new"),
    path(f"{ORDER}entries/<uuid:entry_id>/correct/", views.entry_correct_view, name="entry-correct"),
    path(f"{ORDER}gates/", views.line_gate_add_view, name="line-gate-new"),
    path(f"{ORDER}bulk/", views.bulk_view, name="bulk"),
    path(f"{ORDER}samples/", views.sample_create_view, name="sample-new"),
    path(f"{ORDER}samples/<uuid:sample_id>/dispatch/", views.sample_dispatch_view, name="sample-dispatch"),
    path(f"{ORDER}samples/<uuid:sample_id>/decide/", views.sample_decide_view, name="sample-decide"),
]
