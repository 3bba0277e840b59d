from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tradeloom.core import health
from tradeloom.core.views import home_view

api_v1: list = []

urlpatterns = [
    path("", home_view, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", health.liveness_view, name="health"),
    path("health/ready/", health.readiness_view, name="health-ready"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
]

handler400 = "tradeloom.core.error_views.bad_request"
handler403 = "tradeloom.core.error_views.permission_denied"
handler404 = "tradeloom.core.error_views.page_not_found"
handler500 = "tradeloom.core.error_views.server_error"
