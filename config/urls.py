from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tradeloom.accounts import views as account_views
from tradeloom.accounts.api import urls as accounts_api
from tradeloom.accounts.forms import LoginForm
from tradeloom.approvals import urls as approvals_web
from tradeloom.approvals.api import urls as approvals_api
from tradeloom.audit.api import urls as audit_api
from tradeloom.catalog import urls as catalog_web
from tradeloom.catalog.api import urls as catalog_api
from tradeloom.core import health
from tradeloom.partners import urls as partners_web
from tradeloom.partners.api import urls as partners_api
from tradeloom.sales import urls as sales_web
from tradeloom.sales.api import urls as sales_api
from tradeloom.tenancy import urls as tenancy_web
from tradeloom.tenancy import views as tenancy_views
from tradeloom.tenancy.api import urls as tenancy_api

# Everything under /api/v1/o/<org_slug>/ is tenant-scoped (TenantScopedMixin); tests walk this list. The apps' first
# path segments differ, so the order only decides how many patterns a request tries: the daily work comes first.
tenant_api: list[URLPattern | URLResolver] = [
    *sales_api.urlpatterns,
    *approvals_api.urlpatterns,
    *partners_api.urlpatterns,
    *catalog_api.urlpatterns,
    *tenancy_api.urlpatterns,
    *accounts_api.tenant_urlpatterns,
    *audit_api.urlpatterns,
]

api_v1: list[URLPattern | URLResolver] = [
    *accounts_api.urlpatterns,
    path("o/<slug:org_slug>/", include((tenant_api, "tenant-api"))),
]

auth_pages = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", account_views.signup_view, name="signup"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("invitations/accept/", account_views.invitation_accept_view, name="invitation-accept"),
    path("account/profile/", account_views.profile_view, name="profile"),
    path("account/password/", account_views.password_change_view, name="password-change"),
    path("organizations/new/", tenancy_views.organization_create_view, name="organization-create"),
]

urlpatterns = [
    # The API first: its requests are the most frequent, and every pattern before it is tried on each of them.
    path("api/v1/", include((api_v1, "api"))),
    path("", tenancy_views.home_view, name="home"),
    *auth_pages,
    path("o/<slug:org_slug>/", include(tenancy_web)),
    path("o/<slug:org_slug>/", include(partners_web)),
    path("o/<slug:org_slug>/", include(catalog_web)),
    path("o/<slug:org_slug>/", include(sales_web)),
    path("o/<slug:org_slug>/", include(approvals_web)),
    path("health/", health.liveness_view, name="health"),
    path("health/ready/", health.readiness_view, name="health-ready"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("admin/", admin.site.urls),
]

handler400 = "tradeloom.core.error_views.bad_request"
handler403 = "tradeloom.core.error_views.permission_denied"
handler404 = "tradeloom.core.error_views.page_not_found"
handler500 = "tradeloom.core.error_views.server_error"
