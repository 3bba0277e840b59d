from django.urls import path

from tradeloom.alerts import views

app_name = "alerts"

urlpatterns = [
    path("alerts/", views.alert_list_view, name="list"),
    path("alerts/rules/", views.rules_view, name="rules"),
]
