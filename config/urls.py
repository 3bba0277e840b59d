from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tradeloom.accounts.api import urls as accounts_api
from tradeloom.accounts.forms import LoginForm
from tradeloom.audit.api import urls as audit_api
from tradeloom.core import health
from tradeloom.core.views import home_view
from tradeloom.tenancy.api import urls as tenancy_api

# Everything under /api/v1/o/<org_slug>/ is tenant-scoped (TenantScopedMixin); tests walk this list.
tenant_api: list[URLPattern | URLResolver] = [
    *tenancy_api.urlpatterns,
    *accounts_api.tenant_urlpatterns,
    *audit_api.urlpatterns,
]

api_v1: list[URLPattern | URLResolver] = [
    *accounts_api.urlpatterns,
    path("o/<slug:org_slug>/", include((tenant_api, "tenant-api"))),
]

urlpatterns = [
    path("", home_view, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", health.liveness_view, name="health"),
    path("health/ready/", health.readiness_view, name="health-ready"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/v1/", include((api_v1, "api"))),
    path("admin/", admin.site.urls),
]

handler400 = "tradeloom.core.error_views.bad_request"
handler403 = "tradeloom.core.error_views.permission_denied"
handler404 = "tradeloom.core.error_views.page_not_found"
handler500 = "tradeloom.core.error_views.server_error"
