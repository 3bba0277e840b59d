from django.urls import path

from tradeloom.audit import views as audit_views
from tradeloom.tenancy import views

app_name = "tenancy"

# Everything here lives under /o/<org_slug>/ and is guarded by core.web.tenant_view (a test walks this list).
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
    path("invitations/", views.invitation_list_view, name="invitations"),
    path("invitations/<uuid:invitation_id>/revoke/", views.invitation_revoke_view, name="invitation-revoke"),
    path("audit/", audit_views.audit_log_view, name="audit"),
    path("audit/exports/", audit_views.audit_export_view, name="audit-export"),
    path("audit/exports/<uuid:job_id>/", audit_views.audit_export_progress_view, name="audit-export-progress"),
    path("audit/exports/<uuid:job_id>/download/", audit_views.audit_export_download_view, name="audit-export-download"),
]
