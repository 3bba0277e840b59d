from django.urls import path

from tradeloom.tna.api import views

TEMPLATE = "tna-templates/<uuid:template_id>/"
MILESTONE = "tna-milestones/<uuid:milestone_id>/"
ORDER = "orders/<uuid:order_id>/tna/"

ROUTE_PRIORITY = 47  # see config/urls.py

urlpatterns = [
    path("tna-templates/", views.TemplatesApi.as_view(), name="tna-templates"),
    path(TEMPLATE, views.TemplateApi.as_view(), name="tna-template"),
    path(f"{TEMPLATE}archive/", views.TemplateArchiveApi.as_view(), name="tna-template-archive"),
    path(f"{TEMPLATE}restore/", views.TemplateRestoreApi.as_view(), name="tna-template-restore"),
    path(ORDER, views.OrderPlanApi.as_view(), name="order-tna"),
    path(f"{ORDER}apply/", views.OrderPlanApplyApi.as_view(), name="order-tna-apply"),
    path(f"{ORDER}reapply/", views.OrderPlanReapplyApi.as_view(), name="order-tna-reapply"),
    path(f"{MILESTONE}replan/", views.MilestoneReplanApi.as_view(), name="tna-milestone-replan"),
    path(f"{MILESTONE}record/", views.MilestoneRecordApi.as_view(), name="tna-milestone-record"),
    path(f"{MILESTONE}reopen/", views.MilestoneReopenApi.as_view(), name="tna-milestone-reopen"),
    path("tna/calendar/", views.CalendarApi.as_view(), name="tna-calendar"),
]
