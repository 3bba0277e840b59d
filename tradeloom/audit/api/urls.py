from django.urls import path

from tradeloom.audit.api import views

urlpatterns = [path("audit-events/", views.AuditEventListApi.as_view(), name="audit-events")]
