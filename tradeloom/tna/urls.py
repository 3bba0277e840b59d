from django.urls import path

from tradeloom.tna import views

app_name = "tna"

ORDER = "orders/<uuid:order_id>/tna/"
MILESTONE = f"{ORDER}milestones/<uuid:milestone_id>/"
TEMPLATE = "tna/templates/<uuid:template_id>/"

urlpatterns = [
    path("tna/calendar/", views.calendar_view, name="calendar"),
    path("tna/templates/", views.template_list_view, name="templates"),
    path("tna/templates/new/", views.template_create_view, name="template-new"),
    path(TEMPLATE, views.template_detail_view, name="template"),
    path(f"{TEMPLATE}archive/", views.template_archive_view, name="template-archive"),
    path(ORDER, views.order_panel_view, name="order-panel"),
    path(f"{ORDER}apply/", views.plan_apply_view, name="plan-apply"),
    path(f"{MILESTONE}replan/", views.milestone_replan_view, name="milestone-replan"),
    path(f"{MILESTONE}record/", views.milestone_record_view, name="milestone-record"),
    path(f"{MILESTONE}reopen/", views.milestone_reopen_view, name="milestone-reopen"),
]
