from django.urls import path

from tradeloom.reports import views
from tradeloom.reports.selectors import KINDS

app_name = "reports"

urlpatterns = [
    path("reports/", views.index_view, name="index"),
    *(path(f"reports/{key}/", views.report_view, {"key": key}, name=key) for key in KINDS),
]
