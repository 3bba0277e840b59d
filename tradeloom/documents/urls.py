from django.urls import path

from tradeloom.documents import views

app_name = "documents"

FILE = "attachments/<uuid:record_file_id>/"

urlpatterns = [
    path("attachments/<str:target_type>/<uuid:target_id>/", views.panel_view, name="panel"),
    path("orders/<uuid:order_id>/attachments/", views.order_panel_view, name="order-panel"),
    path(f"{FILE}download/", views.download_view, name="download"),
    path(f"{FILE}archive/", views.archive_view, name="archive"),
]
