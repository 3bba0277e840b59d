from django.urls import path

from tradeloom.reports.api.views import VIEWS

ROUTE_PRIORITY = 100  # see config/urls.py (read rarely: matched late)

urlpatterns = [path(f"reports/{key}/", view.as_view(), name=f"reports-{key}") for key, view in VIEWS.items()]
