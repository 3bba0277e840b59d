from django.urls import path

from tradeloom.tenancy import views

app_name = "tenancy"

# Everything here lives under /o/<org_slug>/ and is guarded by tenancy.web.tenant_view (a test walks this list).
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("settings/", views.settings_view, name="settings"),
    path("members/", views.member_list_view, name="members"),
    path("members/<uuid:membership_id>/", views.member_detail_view, name="member"),
    path("members/<uuid:membership_id>/role/", views.member_role_view, name="member-role"),
    path(
        "members/<uuid:membership_id>/deactivate/",
        views.member_active_view,
        {"action": "deactivate"},
        name="member-deactivate",
    ),
    path(
        "members/<uuid:membership_id>/activate/",
        views.member_active_view,
        {"action": "activate"},
        name="member-activate",
    ),
    path("audit/", views.audit_log_view, name="audit"),
    path("audit/exports/", views.audit_export_view, name="audit-export"),
    path("audit/exports/<uuid:job_id>/", views.audit_export_progress_view, name="audit-export-progress"),
    path("audit/exports/<uuid:job_id>/download/", views.audit_export_download_view, name="audit-export-download"),
]

# Outside any organisation: the start page and creating another organisation.
public_urlpatterns = [
    path("", views.home_view, name="home"),
    path("organizations/new/", views.organization_create_view, name="organization-create"),
]
