from django.urls import path

from tradeloom.tenancy.api import views

urlpatterns = [
    path("organization/", views.OrganizationApi.as_view(), name="organization"),
    path("members/", views.MemberListApi.as_view(), name="members"),
    path("members/<uuid:membership_id>/", views.MemberDetailApi.as_view(), name="member"),
    path("members/<uuid:membership_id>/deactivate/", views.MemberDeactivateApi.as_view(), name="member-deactivate"),
    path("members/<uuid:membership_id>/activate/", views.MemberActivateApi.as_view(), name="member-activate"),
    path("audit-events/", views.AuditEventListApi.as_view(), name="audit-events"),
    path("audit-events/exports/", views.AuditExportStartApi.as_view(), name="audit-exports"),
    path("audit-events/exports/<uuid:job_id>/", views.AuditExportApi.as_view(), name="audit-export"),
    path(
        "audit-events/exports/<uuid:job_id>/download/",
        views.AuditExportDownloadApi.as_view(),
        name="audit-export-download",
    ),
]
