from django.urls import path

from tradeloom.alerts.api import views

ROUTE_PRIORITY = 60  # see config/urls.py

urlpatterns = [
    path("alerts/", views.AlertsApi.as_view(), name="alerts"),
    path("alerts/rules/", views.AlertRulesApi.as_view(), name="alert-rules"),
    path("alerts/rules/<str:kind>/", views.AlertRuleApi.as_view(), name="alert-rule"),
]
